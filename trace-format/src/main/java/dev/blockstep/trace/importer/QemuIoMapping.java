package dev.blockstep.trace.importer;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.OptionalInt;

/**
 * A trace command as the qemu-io command the engine's command loop runs. Only guest requests have one: a
 * block job's requests are issued by the job, not by qemu-io. {@code fua} has no counterpart in the parsed
 * command (qemu-io's writethrough default already sets FUA on every write).
 */
public final class QemuIoMapping {

    private QemuIoMapping() {
    }

    /** The qemu-io command for {@code c}; throws IllegalArgumentException for a block job's request. */
    public static QemuIoCommand toQemuIo(Command c) {
        if (c instanceof Command.Write w) {
            guest(c, w.producer());
            int pattern = w.pattern() == null ? QemuIoCommand.DEFAULT_WRITE_PATTERN : w.pattern();
            return w.aio() ? new QemuIoCommand.AioWrite(w.offset(), w.bytes(), pattern, w.zero(), w.unmap(), false)
                    : new QemuIoCommand.Write(w.offset(), w.bytes(), pattern, w.zero(), w.unmap(), false);
        }
        if (c instanceof Command.Read r) {
            guest(c, r.producer());
            return new QemuIoCommand.Read(r.offset(), r.bytes(),
                    r.verifyPattern() == null ? OptionalInt.empty() : OptionalInt.of(r.verifyPattern()), false);
        }
        if (c instanceof Command.Discard d) {
            guest(c, d.producer());
            return new QemuIoCommand.Discard(d.offset(), d.bytes(), false, d.fua());
        }
        if (c instanceof Command.Flush f) {
            guest(c, f.producer());
            return new QemuIoCommand.Flush();
        }
        return new QemuIoCommand.AioFlush();
    }

    private static void guest(Command c, Producer p) {
        if (p != Producer.GUEST) {
            throw new IllegalArgumentException(c.op() + " of " + c.coroutine() + " is issued by the " + p.jsonName()
                    + " job, not by qemu-io");
        }
    }
}
