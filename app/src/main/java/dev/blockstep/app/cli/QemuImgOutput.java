package dev.blockstep.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * qemu-img's {@code --output human|json}, shared by check, map and info so that all three take the same values and
 * refuse any other with qemu-img's own line.
 */
final class QemuImgOutput {

    @Option(names = "--output", paramLabel = "human|json", defaultValue = "human",
            description = "human (default) or json, as qemu-img prints them.")
    String output;

    /** What a qemu-img style command does once its {@code --output} value is known to be good. */
    @FunctionalInterface
    interface Body {
        int run(PrintWriter out, PrintWriter err);
    }

    /**
     * Runs {@code body} on the command's streams when the value is one qemu-img takes, else refuses it with exit 1;
     * both streams are flushed either way, since picocli's writers do not flush on their own.
     */
    int run(CommandSpec spec, Body body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return accepted(err) ? body.run(out, err) : 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private boolean accepted(PrintWriter err) {
        if (output.equals("human") || output.equals("json")) {
            return true;
        }
        err.println("qemu-img: --output must be used with human or json as argument.");
        return false;
    }

    boolean json() {
        return output.equals("json");
    }
}
