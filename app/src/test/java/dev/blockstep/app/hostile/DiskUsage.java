package dev.blockstep.app.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Allocated bytes on disk (what du counts), which the JDK does not expose: holes of sparse files are free. */
final class DiskUsage {

    private DiskUsage() {
    }

    static long allocated(Path fileOrDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "-B1", fileOrDir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("du did not finish on " + fileOrDir);
        }
        String first = out.split("\\s+", 2)[0];
        try {
            return Long.parseLong(first);
        } catch (NumberFormatException e) {
            // the file vanished or du failed: nothing allocated that we can see
            return 0;
        }
    }
}
