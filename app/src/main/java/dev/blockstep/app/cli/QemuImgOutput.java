package dev.blockstep.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * qemu-img's {@code --output human|json}, shared by check, map and info so that all three take the same values and
 * refuse any other with qemu-img's own line.
 */
final class QemuImgOutput {

    @Option(names = "--output", paramLabel = "human|json", defaultValue = "human",
            description = "human (default) or json, as qemu-img prints them.")
    String output;

    /** Whether the value is one qemu-img takes; when not, qemu-img's line is printed on {@code err}. */
    boolean accepted(PrintWriter err) {
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
