package dev.blockstep.app.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The one path from any failure a command did not turn into its own message to a one-line error naming the
 * command and the file it was working on: never a stack trace. Expected errors (bad input) are reported by the
 * commands with the place and what was expected; what reaches this class is a bug or a resource limit.
 */
public final class CliErrors {

    private static final int MAX_DETAIL = 200;

    private CliErrors() {
    }

    /** For picocli's execution exception handler. */
    public static int report(Exception e, CommandLine cl, ParseResult parsed) {
        return report(e, cl);
    }

    /** Reports {@code t} for the command {@code cl} on its error stream and returns exit code 1. */
    public static int report(Throwable t, CommandLine cl) {
        cl.getErr().println(line(cl, t));
        cl.getErr().flush();
        return 1;
    }

    static String line(CommandLine cl, Throwable t) {
        String who = "blockstep" + (cl.getParent() == null ? "" : " " + cl.getCommandName());
        List<String> files = cl.getParseResult() == null ? List.of() : cl.getParseResult().matchedPositionals()
                .stream().flatMap(p -> p.stringValues().stream()).toList();
        return line(who, files.isEmpty() ? null : files.get(0), t);
    }

    /** The line for {@code t} in the command {@code who} (e.g. "blockstep io") on {@code file}, or on no file. */
    static String line(String who, String file, Throwable t) {
        return who + ":" + (file == null ? "" : " " + file + ":") + " " + what(t);
    }

    private static String what(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "out of memory: this input needs more than the JVM heap (-Xmx) allows";
        }
        if (t instanceof StackOverflowError) {
            return "the thread stack overflowed on this input (a bug in blockstep; please report it)";
        }
        String m = t.getMessage() == null ? "no detail" : t.getMessage().strip().replaceAll("\\s+", " ");
        if (m.length() > MAX_DETAIL) {
            m = m.substring(0, MAX_DETAIL) + "...";
        }
        return "internal error (a bug in blockstep; please report it): " + m;
    }
}
