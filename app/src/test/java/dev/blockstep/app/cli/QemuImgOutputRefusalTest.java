package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output} values qemu-img 7.2 refuses, for each of check, map and info: the same stdout, stderr and exit
 * status as real qemu-img, and the image untouched. The accepted values are covered by each command's differential
 * test; this one guards the one shared refusal in {@link QemuImgOutput}.
 */
class QemuImgOutputRefusalTest {

    @TempDir
    Path dir;

    @Test
    void badOutputValuesAreRefusedAsQemuImgRefusesThem() throws Exception {
        Path img = dir.resolve("out.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "1M").exitCode());
        byte[] before = Files.readAllBytes(img);
        List<String> failures = new ArrayList<>();
        for (String command : List.of("check", "map", "info")) {
            for (List<String> output : List.of(List.of("--output=xml"), List.of("--output", "yaml"),
                    List.of("--output=JSON"), List.of("--output="), List.of("--output=human "))) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(output);
                args.add(img.toString());
                Qemu.Result q = Qemu.run("qemu-img", args, null);
                CreateAndIoCommandTest.Run b = CreateAndIoCommandTest.run(null, args.toArray(String[]::new));
                String how = args.toString();
                if (!q.stdout().equals(b.stdout()) || !q.stderr().equals(b.stderr()) || q.exitCode() != b.exitCode()) {
                    failures.add(how + "\n  qemu-img:  " + q.exitCode() + " " + q.stdout() + q.stderr()
                            + "\n  blockstep: " + b.exitCode() + " " + b.stdout() + b.stderr());
                }
            }
        }
        assertEquals("", String.join("\n", failures));
        assertTrue(Arrays.equals(before, Files.readAllBytes(img)), "a refused command changed the image");
    }
}
