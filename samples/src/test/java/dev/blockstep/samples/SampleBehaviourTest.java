package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.ScheduleEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The claims of the sample descriptions that are about order and about other schedules. */
class SampleBehaviourTest {

    private static int indexOf(List<ScheduleEntry> schedule, String co, String step) {
        for (int i = 0; i < schedule.size(); i++) {
            if (schedule.get(i).chosen().equals(co) && step.equals(schedule.get(i).step())) {
                return i;
            }
        }
        throw new AssertionError(co + " never took " + step);
    }

    @Test
    void inMinimalRaceTheZeroWriteFreesTheClusterWhileTheWriterHasDroppedTheLock() throws Exception {
        List<ScheduleEntry> s = Samples.open("minimal-race").schedule();
        int copied = indexOf(s, "W1", "qcow2_handle_copied");
        int zeroes = indexOf(s, "Z2", "qcow2_pwrite_zeroes");
        int link = indexOf(s, "W1", "qcow2_cluster_link_l2");
        assertTrue(copied < zeroes && zeroes < link, copied + " " + zeroes + " " + link);
    }

    @Test
    void inMinimalRaceFixedTheZeroWriteWaitsUntilTheWritersRequestHasEnded() throws Exception {
        List<ScheduleEntry> s = Samples.open("minimal-race-fixed").schedule();
        assertEquals("patch", Samples.open("minimal-race-fixed").fix().initial());
        int writerEnds = indexOf(s, "W1", "tracked_request_end");
        int zeroes = indexOf(s, "Z2", "qcow2_pwrite_zeroes");
        int zeroStarts = indexOf(s, "Z2", "bdrv_co_pwritev_part");
        assertTrue(zeroStarts < writerEnds && writerEnds < zeroes, zeroStarts + " " + writerEnds + " " + zeroes);
    }

    @Test
    void guestOnlyStaysCleanUnderTwoHundredRandomSchedules(@TempDir Path tmp) throws Exception {
        List<Long> dirty = new ArrayList<>();
        for (long seed = 0; seed < 200; seed++) {
            EngineSession s = SampleRuns.replay("guest-only", new TraceRun.Options(null, seed));
            assertTrue(s.engine().finished(), "seed " + seed);
            CheckResult r = ImageCheck.check(ImageBytes.of(s.engine().file()), "g", line -> { });
            if (!r.clean() || !s.current().stderr().isEmpty()) {
                dirty.add(seed);
            }
            if (seed % 40 == 0) {
                // The engine's checker is itself compared with qemu-img elsewhere; spot-check it here too.
                Qemu.Result real = SampleRuns.realCheck(s, tmp, "guest-only-" + seed);
                assertEquals(0, real.exitCode(), real.stdout() + real.stderr());
            }
        }
        assertEquals(List.of(), dirty);
        assertTrue(SampleRuns.description("guest-only").contains("200 random seeds"));
    }
}
