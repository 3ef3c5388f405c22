package dev.blockstep.samples;

import dev.blockstep.engine.block.CommitJob;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Replays samples and checks their images with the real qemu-img. */
final class SampleRuns {

    private SampleRuns() {
    }

    static EngineSession replay(String name, TraceRun.Options options) throws Exception {
        return TraceRun.run(Samples.open(name), Samples.directory(name), name + ".json", options);
    }

    /**
     * Saves the session's image and runs the real {@code qemu-img check} on it. qemu-img opens the backing file a
     * header names, so a committed base is saved beside the image under the name the header gives it.
     */
    static Qemu.Result realCheck(EngineSession s, Path dir, String name) throws Exception {
        Path image = dir.resolve(name + ".qcow2");
        s.engine().file().save(image);
        for (var c : s.engine().scheduler().coroutines()) {
            if (c instanceof CommitJob job) {
                job.base().file().save(dir.resolve(s.engine().node().driver().backingFile().name()));
            }
        }
        return Qemu.img("check", image.toString());
    }

    static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    static String description(String name) throws Exception {
        Trace t = Samples.open(name);
        return t.metadata().description();
    }
}
