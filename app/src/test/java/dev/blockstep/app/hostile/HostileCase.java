package dev.blockstep.app.hostile;

import java.nio.file.Path;
import java.util.List;

/**
 * One hostile invocation of the CLI.
 *
 * @param inputs files whose bytes must be the same afterwards
 * @param outputs files whose allocated size must stay within {@code outputLimit} bytes
 * @param timeoutSeconds per-case budget of CPU seconds; past it the case counts as a hang ({@link HangWatch})
 */
record HostileCase(String name, List<String> args, Path workDir, List<Path> inputs, List<Path> outputs,
                   long outputLimit, Expect expect, int timeoutSeconds) {

    static final int DEFAULT_TIMEOUT = 60;

    HostileCase {
        args = List.copyOf(args);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    static HostileCase of(String name, Path dir, Expect expect, List<Path> inputs, String... args) {
        return new HostileCase(name, List.of(args), dir, inputs, List.of(), Long.MAX_VALUE, expect, DEFAULT_TIMEOUT);
    }

    HostileCase withOutput(Path out, long limit) {
        return new HostileCase(name, args, workDir, inputs, List.of(out), limit, expect, timeoutSeconds);
    }

    HostileCase withTimeout(int seconds) {
        return new HostileCase(name, args, workDir, inputs, outputs, outputLimit, expect, seconds);
    }
}
