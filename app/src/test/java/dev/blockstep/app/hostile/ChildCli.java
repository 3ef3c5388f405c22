package dev.blockstep.app.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as a user would, in a child JVM with a 256 MiB heap, a CPU-time budget ({@link HangWatch}) and a
 * disk guard: a child whose working directory grows past {@link #DISK_GUARD} allocated bytes is killed before it
 * fills the disk.
 */
final class ChildCli {

    static final long DISK_GUARD = 512L << 20;
    private static final int CAPTURE_LIMIT = 1 << 20;

    private final String classPath;

    /** @param classPath the CLI's class path: the test class path, or a blockstep.jar to measure */
    ChildCli(String classPath) {
        this.classPath = classPath;
    }

    static ChildCli ofThisBuild() {
        return new ChildCli(System.getProperty("hostile.cp", System.getProperty("java.class.path")));
    }

    Outcome run(HostileCase c) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Xss1m", "-XX:TieredStopAtLevel=1", "-cp", classPath, "dev.blockstep.app.Main"));
        cmd.addAll(c.args());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(c.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        HangWatch watch = new HangWatch(p.toHandle(), c.timeoutSeconds(), t0);
        boolean timedOut = false;
        boolean guard = false;
        while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
            if (watch.hung(System.nanoTime())) {
                timedOut = true;
            } else if (DiskUsage.allocated(c.workDir()) > DISK_GUARD) {
                guard = true;
            }
            if (timedOut || guard) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                break;
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Outcome(timedOut || guard ? -1 : p.exitValue(), out.join(), err.join(), timedOut, guard, ms,
                watch.cpuMillis());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (b.size() < CAPTURE_LIMIT) {
                        b.write(buf, 0, Math.min(n, CAPTURE_LIMIT - b.size()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return b.toString(StandardCharsets.UTF_8);
        });
    }
}
