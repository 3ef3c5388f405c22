import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qemuio.QemuIoScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iotest-rates.sh's blockstep side in one JVM (a JVM per 5000-command run costs more than the run): the iotest
 * workload (bench/iotest-mix.py) for seeds FIRST..LAST through blockstep's qemu-io on a fresh 16 MiB image, then
 * real qemu-img check on the saved image. A run corrupts when check exits non-zero or the engine printed
 * "qcow2_free_clusters failed". Order: fifo (qemu-io -c's own) or seeded (random, seeded with the workload seed).
 *
 * Usage: java -cp app/target/blockstep.jar bench/IotestRates.java fifo|seeded FIRST LAST [--plain-zero] [--fix=V]
 */
public final class IotestRates {
    public static void main(String[] a) throws Exception {
        boolean seeded = a[0].equals("seeded");
        long first = Long.parseLong(a[1]);
        long last = Long.parseLong(a[2]);
        boolean plainZero = List.of(a).contains("--plain-zero");
        FixVariant fix = FixVariant.NONE;
        for (String s : a) {
            if (s.startsWith("--fix=")) {
                fix = FixVariant.byId(s.substring(6));
            }
        }
        Path here = Path.of("bench"); // run from the repository root
        Path tmp = Files.createTempDirectory("iotest");
        int bad = 0;
        long t0 = System.nanoTime();
        for (long seed = first; seed <= last; seed++) {
            List<String> cmd = new ArrayList<>(List.of("python3", here.resolve("iotest-mix.py").toString(),
                    Long.toString(seed), "5000"));
            if (plainZero) {
                cmd.add("--plain-zero");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor();
            HostFile img = Qcow2Create.create(16L << 20, 65536);
            List<String> err = new ArrayList<>();
            QemuIoScript.Result r = QemuIoScript.run(img, "img.qcow2", lines, i -> "-c #" + (i + 1), false, fix,
                    seeded ? seed : null, new QemuIoScript.Console() {
                        @Override
                        public void out(String text) {
                        }

                        @Override
                        public void err(String line) {
                            err.add(line);
                        }
                    });
            Path saved = tmp.resolve("img.qcow2");
            Files.deleteIfExists(saved);
            r.file().save(saved);
            Process chk = new ProcessBuilder("qemu-img", "check", saved.toString()).redirectErrorStream(true).start();
            String out = new String(chk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = chk.waitFor();
            long frees = err.stream().filter(l -> l.contains("qcow2_free_clusters failed")).count();
            if (rc != 0 || frees > 0) {
                bad++;
                String line = out.lines().filter(l -> l.startsWith("ERROR")).findFirst().orElse("");
                System.out.println("seed " + seed + ": corrupt (check exit " + rc + ", " + frees + " free failures) "
                        + line);
            } else {
                System.out.println("seed " + seed + ": clean (" + r.steps() + " steps)");
            }
        }
        System.out.printf("blockstep %s%s, fix %s: %d of %d runs corrupt, %.1f s%n", seeded ? "seeded" : "fifo",
                plainZero ? " plain-zero" : "", fix.id(), bad, last - first + 1, (System.nanoTime() - t0) / 1e9);
        try (var s = Files.list(tmp)) {
            for (Path f : s.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(tmp);
    }
}
