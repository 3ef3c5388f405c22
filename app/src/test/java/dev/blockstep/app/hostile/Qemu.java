package dev.blockstep.app.hostile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The reference: qemu-img and qemu-io 7.2, run on copies. Absent qemu is an error, never a skip. */
final class Qemu {

    /** What a qemu tool exits with when it is still running at the timeout (qemu-img check on a FIFO). */
    static final int HUNG = -1;

    private Qemu() {
    }

    static int run(Path dir, int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException(cmd[0] + " is needed as the reference (Debian's qemu-utils 7.2): " + e.getMessage(), e);
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            return HUNG;
        }
        return p.exitValue();
    }

    static int io(Path dir, Path image, List<String> commands) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(image.toString());
        return run(dir, 30, cmd.toArray(String[]::new));
    }

    static int check(Path dir, Path image) throws IOException, InterruptedException {
        return run(dir, 10, "qemu-img", "check", image.toString());
    }
}
