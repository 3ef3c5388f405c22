package dev.blockstep.app.gui.session;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.DriverFactory;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.util.List;

/**
 * Built-in samples, made with the engine itself. minimal-race is reproduction R1 of the engine facts: guest
 * cluster 0 is made ZERO_ALLOC by a serial setup session, then one allocating aio_write and one
 * aio_write -z -u on the same cluster, and an aio_flush, run under FIFO, which is qemu's own order in
 * qemu-io -c mode and corrupts the image (refcount=0 reference=1).
 */
public final class SampleWorkloads {

    public static final String MINIMAL_RACE = "minimal-race";
    static final String SETUP = "write -P 0x11 0 64k\nwrite -z 0 64k\n";
    static final String RACE = "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n";

    private SampleWorkloads() {
    }

    /**
     * @param base  a fresh image (16 MiB, 64 KiB clusters), as the engine's create makes it
     */
    public static Workload minimalRace(HostFile base, DriverFactory driver) throws QemuIoSyntaxException {
        Workload setup = new Workload(base, driver, parse(SETUP, "minimal-race setup"), false, Policies::fifo);
        Engine serial = new Engine(setup);
        serial.runToEnd();
        if (!serial.finished()) {
            throw new IllegalStateException("minimal-race setup did not finish");
        }
        return new Workload(serial.file(), driver, parse(RACE, MINIMAL_RACE), false, Policies::fifo);
    }

    private static List<QemuIoCommand> parse(String script, String name) throws QemuIoSyntaxException {
        return QemuIoParser.parseScript(script, name);
    }
}
