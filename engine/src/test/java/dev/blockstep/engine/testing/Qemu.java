package dev.blockstep.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real qemu 7.2 tools for differential tests. A missing tool is a test failure, never a skip:
 * the reference must be there for the comparison to mean anything.
 */
public final class Qemu {

    /** What a finished process printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private Qemu() {
    }

    public static Result img(String... args) {
        return run("qemu-img", List.of(args), null);
    }

    public static Result io(String... args) {
        return run("qemu-io", List.of(args), null);
    }

    /** Runs qemu-io on IMAGE with commands fed one per line on standard input. */
    public static Result ioStdin(Path image, String script) {
        return run("qemu-io", List.of("-f", "qcow2", image.toString()), script);
    }

    public static Result run(String tool, List<String> args, String stdin) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(args);
        try {
            // stderr goes to a file so a chatty tool cannot fill one pipe while we drain the other.
            Path errFile = java.nio.file.Files.createTempFile("qemu-stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError(tool + " is not installed; install qemu-utils (qemu 7.2) to run this test", e);
            }
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(tool + " did not finish within 120 s: " + cmd);
            }
            var err = java.nio.file.Files.readAllBytes(errFile);
            java.nio.file.Files.deleteIfExists(errFile);
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("running " + cmd + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + cmd, e);
        }
    }
}
