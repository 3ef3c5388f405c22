package dev.blockstep.engine.trace;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.importer.QemuIoMapping;
import dev.blockstep.trace.qemuio.QemuIoCommand;

/**
 * A trace command as the engine issues it. A block job's request (producer mirror, commit, stream, backup) reaches
 * the qcow2 node through the same generic block layer as a guest request, with the same flags and tracked request;
 * only who issues it differs. The engine has no job coroutine, so its command loop issues the job's requests in
 * workload order, as the explorer does.
 */
final class IssuedCommands {

    private IssuedCommands() {
    }

    static QemuIoCommand toQemuIo(Command c) {
        return QemuIoMapping.toQemuIo(asGuest(c));
    }

    private static Command asGuest(Command c) {
        if (c instanceof Command.Write w && w.producer() != Producer.GUEST) {
            return new Command.Write(w.aio(), w.coroutine(), Producer.GUEST, w.offset(), w.bytes(), w.pattern(),
                    w.zero(), w.unmap(), w.fua());
        }
        if (c instanceof Command.Read r && r.producer() != Producer.GUEST) {
            return new Command.Read(r.coroutine(), Producer.GUEST, r.offset(), r.bytes(), r.verifyPattern());
        }
        if (c instanceof Command.Discard d && d.producer() != Producer.GUEST) {
            return new Command.Discard(d.coroutine(), Producer.GUEST, d.offset(), d.bytes(), d.fua());
        }
        if (c instanceof Command.Flush f && f.producer() != Producer.GUEST) {
            return new Command.Flush(f.coroutine(), Producer.GUEST);
        }
        return c;
    }
}
