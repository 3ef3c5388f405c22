package dev.blockstep.trace.importer;

import dev.blockstep.trace.Alignment;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a qemu-io script (one command per line, as fed to {@code qemu-io < script} or as {@code -c} arguments)
 * into a trace with no schedule: the engine runs it by a policy. Each request gets a coroutine named after its
 * kind and its position in the workload ({@code w0} write, {@code z1} write-zeroes, {@code r2} read,
 * {@code d3} discard, {@code f4} flush), so names stay stable when the script is imported again.
 */
public final class QemuIoScriptImporter {

    private QemuIoScriptImporter() {
    }

    /** A workload command and the script line it came from. */
    public record ScriptCommand(Command command, int line) {
    }

    /** One workload command per script line that holds a command. */
    public static List<ScriptCommand> parse(String text, String source) throws ImportException {
        List<ScriptCommand> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Optional<QemuIoCommand> parsed;
            try {
                parsed = QemuIoParser.parseLine(lines[i], source, i + 1);
            } catch (QemuIoSyntaxException e) {
                throw new ImportException(source, i + 1, e.qemuText());
            }
            if (parsed.isPresent() && parsed.get() instanceof QemuIoCommand.Quit) {
                break;
            }
            if (parsed.isPresent()) {
                out.add(new ScriptCommand(toCommand(parsed.get(), out.size(), source, i + 1), i + 1));
            }
        }
        if (out.isEmpty()) {
            throw new ImportException(source, Math.max(1, lines.length), "expected at least one qemu-io command");
        }
        return out;
    }

    public static Trace importScript(String text, String source, ImageSetup image) throws ImportException {
        List<ScriptCommand> script = parse(text, source);
        checkInside(script, image, source);
        Metadata m = new Metadata("imported from " + source, null, "blockstep import-qemu-io", null, null);
        return Trace.of(m, image, script.stream().map(ScriptCommand::command).toList(), FixSetting.off());
    }

    /** Every request must fit a fresh image's virtual size (a base image's size is not known here). */
    public static void checkInside(List<ScriptCommand> script, ImageSetup image, String source)
            throws ImportException {
        if (image instanceof ImageSetup.Fresh f) {
            for (ScriptCommand sc : script) {
                long end = end(sc.command());
                if (end > f.virtualSize()) {
                    throw new ImportException(source, sc.line(), "expected a request inside the virtual size "
                            + f.virtualSize() + ", got one ending at " + end);
                }
            }
        }
    }

    /** Setup commands: serial, no coroutine names, no aio. */
    public static List<Command> setup(String text, String source) throws ImportException {
        List<Command> out = new ArrayList<>();
        for (ScriptCommand sc : parse(text, source)) {
            Command c = sc.command();
            if (c instanceof Command.Write w) {
                if (w.aio()) {
                    throw new ImportException(source, sc.line(), "expected a serial setup command, got aio_write");
                }
                out.add(new Command.Write(false, null, w.producer(), w.offset(), w.bytes(), w.pattern(), w.zero(),
                        w.unmap(), w.fua()));
            } else if (c instanceof Command.Read r) {
                out.add(new Command.Read(null, r.producer(), r.offset(), r.bytes(), r.verifyPattern()));
            } else if (c instanceof Command.Discard d) {
                out.add(new Command.Discard(null, d.producer(), d.offset(), d.bytes()));
            } else if (c instanceof Command.Flush f) {
                out.add(new Command.Flush(null, f.producer()));
            } else {
                throw new ImportException(source, sc.line(), "expected a serial setup command, got aio_flush");
            }
        }
        return out;
    }

    static long end(Command c) {
        if (c instanceof Command.Write w) {
            return w.offset() + w.bytes();
        }
        if (c instanceof Command.Read r) {
            return r.offset() + r.bytes();
        }
        if (c instanceof Command.Discard d) {
            return d.offset() + d.bytes();
        }
        return 0;
    }

    /** The trace command for one parsed qemu-io command at workload position {@code index}. */
    static Command toCommand(QemuIoCommand q, int index, String source, int line) throws ImportException {
        if (q instanceof QemuIoCommand.WriteFromFile) {
            throw new ImportException(source, line, "expected a write of one pattern byte (a trace holds no file "
                    + "data), got write -s");
        }
        if (q instanceof QemuIoCommand.Query || q instanceof QemuIoCommand.AioRead || q instanceof QemuIoCommand.Close
                || q instanceof QemuIoCommand.Open || q instanceof QemuIoCommand.Reopen
                || q instanceof QemuIoCommand.WriteCompressed || q instanceof QemuIoCommand.Vmstate
                || q instanceof QemuIoCommand.Truncate) {
            throw new ImportException(source, line, "expected a command a trace can hold (write, writev, aio_write,"
                    + " read, readv, discard, flush, aio_flush), got " + q.toLine().split(" ")[0]);
        }
        if (q instanceof QemuIoCommand.Write || q instanceof QemuIoCommand.Writev) {
            QemuIoCommand.DataWrite w = (QemuIoCommand.DataWrite) q;
            aligned(w.offset(), w.length(), source, line);
            return new Command.Write(false, (w.zero() ? "z" : "w") + index, Producer.GUEST, w.offset(), w.length(),
                    w.zero() ? null : w.pattern(), w.zero(), w.unmap(), false);
        }
        if (q instanceof QemuIoCommand.AioWrite w) {
            aligned(w.offset(), w.length(), source, line);
            return new Command.Write(true, (w.zero() ? "z" : "w") + index, Producer.GUEST, w.offset(), w.length(),
                    w.zero() ? null : w.pattern(), w.zero(), w.unmap(), false);
        }
        if (q instanceof QemuIoCommand.DataRead r) {
            aligned(r.offset(), r.length(), source, line);
            if (r.checkOffset() != 0 || r.checkLength() != r.length()) {
                throw new ImportException(source, line, "expected a read checked whole (a trace's read has no -s/-l)");
            }
            return new Command.Read("r" + index, Producer.GUEST, r.offset(), r.length(),
                    r.pattern().isPresent() ? r.pattern().getAsInt() : null);
        }
        if (q instanceof QemuIoCommand.Discard d) {
            aligned(d.offset(), d.length(), source, line);
            return new Command.Discard("d" + index, Producer.GUEST, d.offset(), d.length());
        }
        if (q instanceof QemuIoCommand.Flush) {
            return new Command.Flush("f" + index, Producer.GUEST);
        }
        return new Command.AioFlush(null);
    }

    private static void aligned(long offset, long bytes, String source, int line) throws ImportException {
        if (!Alignment.isSectorMultiple(offset)) {
            throw new ImportException(source, line, "expected an offset that is a multiple of " + Alignment.SECTOR
                    + " (traces are sector-aligned), got " + offset);
        }
        if (bytes <= 0 || !Alignment.isSectorMultiple(bytes)) {
            throw new ImportException(source, line, "expected a length that is a positive multiple of "
                    + Alignment.SECTOR + " (traces are sector-aligned), got " + bytes);
        }
    }
}
