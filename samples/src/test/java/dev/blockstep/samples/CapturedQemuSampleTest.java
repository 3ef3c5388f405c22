package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceImages;
import dev.blockstep.engine.trace.TraceRun;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * captured-qemu: a real qemu-io run that corrupted its image, the trace imported from its -T log, and real
 * qemu-img check's output for the real image. Replaying the trace must reproduce that output and that file.
 */
class CapturedQemuSampleTest {

    static String stored(String file) throws Exception {
        try (InputStream in = CapturedQemuSampleTest.class.getResourceAsStream(Samples.RESOURCE_DIR + file)) {
            assertNotNull(in, file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void ourCheckOfTheReplayedImagePrintsWhatRealQemuImgPrintedForTheRealImage() throws Exception {
        EngineSession s = SampleRuns.replay("captured-qemu", TraceRun.Options.DEFAULT);
        List<String> err = new ArrayList<>();
        CheckResult r = ImageCheck.check(ImageBytes.of(s.engine().file()), "img.qcow2", err::add);
        assertEquals(SampleRuns.lines(stored("captured-qemu.check.stderr")), err);
        assertEquals(stored("captured-qemu.check.stdout"), CheckReport.human(r));
        assertEquals(Integer.parseInt(stored("captured-qemu.check.exit").trim()), r.exitCode());
    }

    @Test
    void realQemuImgCheckOfTheReplayedImageMatchesTheStoredOutput(@TempDir Path tmp) throws Exception {
        EngineSession s = SampleRuns.replay("captured-qemu", TraceRun.Options.DEFAULT);
        Qemu.Result check = SampleRuns.realCheck(s, tmp, "captured-qemu");
        assertEquals(stored("captured-qemu.check.stderr"), check.stderr());
        assertEquals(stored("captured-qemu.check.stdout"), check.stdout());
        assertEquals(Integer.parseInt(stored("captured-qemu.check.exit").trim()), check.exitCode());
    }

    @Test
    void theReplayedImageFileIsByteIdenticalToTheOneRealQemuLeft() throws Exception {
        EngineSession s = SampleRuns.replay("captured-qemu", TraceRun.Options.DEFAULT);
        String expected = stored("captured-qemu.qcow2.sha256").split("\\s+")[0];
        assertEquals(expected, TraceImages.sha256(s.engine().file()));
    }

    @Test
    void theTraceIsTheImportOfTheStoredLog() throws Exception {
        var trace = Samples.open("captured-qemu");
        assertEquals("captured-qemu.log", trace.qemuLog().source());
        assertEquals(SampleRuns.lines(stored("captured-qemu.log")).size(), trace.qemuLog().events().size());
    }
}
