package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A qemu-io script over every file it opens in turn: each open file runs on an engine of its own, from its open to
 * its close, and an open after a close opens the next one from what is on disk by then (the file just closed, or
 * another). Output, prompts and the exit status run on across them as qemu-io's single process prints them.
 */
public final class QemuIoSessions {
    /** Opens and closes files for the script, as qemu-io's openfile and blk_unref do. */
    public interface Opener {
        /** The file an open line names, opened; or an exception whose message is qemu-io's whole error text. */
        QemuIoSession open(QemuIoCommand.OpenOptions options) throws OpenFailed;

        /** The session has closed (or the script ended with it open): {@code result} holds its image. */
        void closed(QemuIoSession session, QemuIoScript.Result result);
    }

    /** An open that fails: its message is what qemu-io prints on stderr (one or more lines). */
    public static final class OpenFailed extends Exception {
        public OpenFailed(String message) {
            super(message);
        }
    }

    private QemuIoSessions() {
    }

    /**
     * Runs {@code lines} with {@code first} open (null: no file until an open line).
     *
     * @param opener opens the files of open lines after a close; null refuses them
     * @return the last part's result, failed if any part failed, with the steps of all
     */
    public static QemuIoScript.Result run(QemuIoSession first, Opener opener, List<String> lines,
                                          IntFunction<String> where, boolean prompts, FixVariant fix, Long seed,
                                          QemuIoScript.Console console) {
        QemuIoSession session = first;
        boolean failed = false;
        boolean stuck = false;
        int steps = 0;
        int from = 0;
        while (true) {
            QemuIoScript part = QemuIoScript.parse(session, lines, from, where);
            boolean last = part.stopAt < 0;
            QemuIoScript.Result r = part.run(prompts, last, fix, seed, console);
            failed |= r.failed();
            stuck |= r.stuck();
            steps += r.steps();
            if (session != null && opener != null) {
                opener.closed(session, r);
            }
            if (last) {
                return new QemuIoScript.Result(failed, stuck, r.file(), steps, r.reopenedWritable(), r.signal());
            }
            if (prompts) {
                console.out("qemu-io> ");
            }
            List<String> warnings = part.stopOpen.options() == null ? List.of() : part.stopOpen.options().warnings();
            warnings.forEach(console::err);
            try {
                if (opener == null) {
                    throw new OpenFailed("blockstep io: open after close needs the command line's file access");
                }
                session = opener.open(part.stopOpen);
            } catch (OpenFailed e) {
                failed = true;
                session = null;
                e.getMessage().lines().forEach(console::err);
            }
            from = part.stopAt + 1;
        }
    }
}
