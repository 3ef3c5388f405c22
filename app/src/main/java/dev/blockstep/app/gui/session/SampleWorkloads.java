package dev.blockstep.app.gui.session;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.util.List;

/**
 * Built-in samples, made with the engine itself. minimal-race is reproduction R1 of the engine facts: a fresh
 * 16 MiB image whose guest cluster 0 a serial setup session makes ZERO_ALLOC, then one allocating aio_write and
 * one aio_write -z -u on that cluster and an aio_flush, run under FIFO, which is qemu's own order in
 * {@code qemu-io -c} mode and corrupts the image (qemu-img check: refcount=0 reference=1).
 */
public final class SampleWorkloads {

    public static final String MINIMAL_RACE = "minimal-race";
    static final String SETUP = "write -P 0x11 0 64k\nwrite -z 0 64k\n";
    static final String RACE = "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n";

    private SampleWorkloads() {
    }

    public static Workload minimalRace() throws TargetSource.OpenException {
        HostFile fresh;
        try {
            fresh = Qcow2Create.create(16L << 20, 65536);
        } catch (Qcow2Create.CreateException e) {
            throw new TargetSource.OpenException(MINIMAL_RACE + ": cannot create its image: " + e.getMessage(), e);
        }
        // The setup is a separate qemu-io session, as in the facts, so the race session opens the image anew.
        ScriptRun setup = ScriptRun.run(fresh, MINIMAL_RACE + ".qcow2", parse(SETUP, MINIMAL_RACE + " setup"), false,
                null);
        if (setup.stuck() || !setup.stderr().isEmpty()) {
            throw new TargetSource.OpenException(MINIMAL_RACE + ": its setup did not run cleanly: " + setup.stderr());
        }
        return new Workload(setup.file(), MINIMAL_RACE + ".qcow2", parse(RACE, MINIMAL_RACE), false, Policies::fifo);
    }

    private static List<QemuIoCommand> parse(String script, String name) throws TargetSource.OpenException {
        try {
            return QemuIoParser.parseScript(script, name);
        } catch (QemuIoSyntaxException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        }
    }
}
