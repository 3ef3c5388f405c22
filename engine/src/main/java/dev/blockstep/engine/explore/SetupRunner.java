package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;

/** Runs a scenario's setup commands as a separate serial qemu-io session, as the scenarios' setup means. */
public final class SetupRunner {
    private SetupRunner() {
    }

    /** The image after the setup; the input image is not changed. */
    public static HostFile run(HostFile image, String name, List<QemuIoCommand> setup) {
        if (setup.isEmpty()) {
            return image.copy();
        }
        Engine e = new Engine(new Workload(image, name, setup, FixVariant.NONE, Policies::fifo));
        e.runToEnd();
        if (!e.finished()) {
            throw new IllegalStateException("the setup commands did not finish");
        }
        return e.file().copy();
    }
}
