package dev.blockstep.engine.block;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;

/** Images built by the engine itself, each step a separate qemu-io session as in the facts' experiments. */
public final class Images {
    public static final long CS = 65536;

    private Images() {
    }

    public static HostFile fresh16M() {
        try {
            return Qcow2Create.create(16 << 20, (int) CS);
        } catch (Qcow2Create.CreateException e) {
            throw new AssertionError(e);
        }
    }

    /** g0 = ZERO_ALLOC at host 0x50000 (refcount 1): write -P 0x11 0 64k, then write -z 0 64k. */
    public static HostFile zeroAllocAtZero() {
        HostFile f = fresh16M();
        f = run(f, new QemuIoCommand.Write(0, CS, 0x11, false, false, false));
        return run(f, new QemuIoCommand.Write(0, CS, 0, true, false, false));
    }

    /** One qemu-io session with one command, FIFO order. */
    public static HostFile run(HostFile f, QemuIoCommand c) {
        return ScriptRun.run(f, "img", List.of(c), FixVariant.NONE, null).file();
    }
}
