package dev.blockstep.engine.explore;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.OptionalInt;

/** Converts between the trace format's commands and the qemu-io commands the engine runs. */
final class TraceCommands {
    private TraceCommands() {
    }

    static QemuIoCommand toQemuIo(Command c) {
        if (c instanceof Command.Write w) {
            int pattern = w.pattern() == null ? QemuIoCommand.DEFAULT_WRITE_PATTERN : w.pattern();
            return w.aio() ? new QemuIoCommand.AioWrite(w.offset(), w.bytes(), pattern, w.zero(), w.unmap(), false)
                    : new QemuIoCommand.Write(w.offset(), w.bytes(), pattern, w.zero(), w.unmap(), false);
        }
        if (c instanceof Command.Read r) {
            return new QemuIoCommand.Read(r.offset(), r.bytes(),
                    r.verifyPattern() == null ? OptionalInt.empty() : OptionalInt.of(r.verifyPattern()), false);
        }
        if (c instanceof Command.Discard d) {
            return new QemuIoCommand.Discard(d.offset(), d.bytes(), false, d.fua());
        }
        if (c instanceof Command.Flush) {
            return new QemuIoCommand.Flush();
        }
        return new QemuIoCommand.AioFlush();
    }

    static Producer producer(Command c) {
        Producer p = null;
        if (c instanceof Command.Write w) {
            p = w.producer();
        } else if (c instanceof Command.Read r) {
            p = r.producer();
        } else if (c instanceof Command.Discard d) {
            p = d.producer();
        } else if (c instanceof Command.Flush f) {
            p = f.producer();
        }
        return p == null ? Producer.GUEST : p;
    }

    /** The trace command for an engine command, named after its coroutine ({@code co} may be null for aio_flush). */
    static Command toTrace(QemuIoCommand c, String co, Producer producer) {
        if (c instanceof QemuIoCommand.AioWrite w) {
            return new Command.Write(true, co, producer, w.offset(), w.length(), w.zero() ? null : w.pattern(),
                    w.zero(), w.unmap(), false);
        }
        if (c instanceof QemuIoCommand.Write w) {
            return new Command.Write(false, co, producer, w.offset(), w.length(), w.zero() ? null : w.pattern(),
                    w.zero(), w.unmap(), false);
        }
        if (c instanceof QemuIoCommand.Read r) {
            return new Command.Read(co, producer, r.offset(), r.length(),
                    r.pattern().isPresent() ? r.pattern().getAsInt() : null);
        }
        if (c instanceof QemuIoCommand.Discard d) {
            return new Command.Discard(co, producer, d.offset(), d.length(), d.fua());
        }
        if (c instanceof QemuIoCommand.Flush) {
            return new Command.Flush(co, producer);
        }
        return new Command.AioFlush(co);
    }
}
