package dev.blockstep.app.cli;

import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import dev.blockstep.trace.qemuio.QemuIoSyntaxException;
import java.util.List;
import java.util.Optional;

/** qemu-io without IMAGE: the script's first {@code open} line, whose options become the session's. */
final class OpenLine {
    /** The open command on script line {@code line} (0-based). */
    record Found(int line, QemuIoCommand.OpenOptions options) {

        /** Sets io's options as open_f's would set them; qemu-io's (or blockstep's) refusal, or null. */
        String applyTo(IoCommand io) {
            QemuIoCommand.OpenOptions o = options;
            if (o.options() != null) {
                return "blockstep io: open -o is not supported (it sets the driver's options)";
            }
            if (o.path() == null) {
                return "blockstep io: open without a file name is not supported";
            }
            if (o.forceShare() && !o.readOnly()) {
                return "qemu-io: can't open device " + o.path() + ": force-share=on can only be used with read-only "
                        + "images";
            }
            io.image = o.path();
            io.discard = null;
            io.readOnly = o.readOnly();
            io.snapshot = o.snapshot();
            io.copyOnRead = o.copyOnRead();
            io.nocache = o.nocache();
            io.cache = o.cache();
            io.aio = o.aio() != null ? o.aio() : o.nativeAio() ? "native" : null;
            if (o.discard() != null) {
                io.discard = o.discard().equals("unmap") || o.discard().equals("on") ? NodeOptions.Discard.UNMAP
                        : NodeOptions.Discard.IGNORE;
            }
            return null;
        }
    }

    private OpenLine() {
    }

    /**
     * The first open line from line {@code from} on that qemu-io would run (lines it refuses are skipped; quit ends
     * the search), or null.
     */
    static Found find(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            Optional<QemuIoCommand> c;
            try {
                c = QemuIoParser.parseLine(lines.get(i), "script", i + 1);
            } catch (QemuIoSyntaxException e) {
                continue;
            }
            if (c.isPresent() && c.get() instanceof QemuIoCommand.Quit) {
                return null;
            }
            if (c.isPresent() && c.get() instanceof QemuIoCommand.Open open) {
                return new Found(i, open.options());
            }
        }
        return null;
    }
}
