package dev.blockstep.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A backing chain made by real qemu-img and qemu-io, for tests that run a job on it in qemu and in blockstep. */
public final class QemuChain {

    /** One image of a chain: its file name and the qemu-io commands that seed it. */
    public record Layer(String name, String... commands) {
    }

    private QemuChain() {
    }

    /**
     * Creates each layer in {@code dir} (made if missing) with {@code qemu-img create -f qcow2}, backed by the
     * layer before it ({@code -b NAME -F qcow2}, a name relative to the image; the first has no backing file), and
     * runs its commands with qemu-io. Returns {@code dir}.
     */
    public static Path create(Path dir, String size, Layer... layers) throws Exception {
        Files.createDirectories(dir);
        String below = null;
        for (Layer l : layers) {
            String image = dir.resolve(l.name()).toString();
            List<String> create = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
            if (below != null) {
                create.addAll(List.of("-b", below, "-F", "qcow2"));
            }
            create.addAll(List.of(image, size));
            Qemu.Result c = Qemu.img(create.toArray(String[]::new));
            assertEquals(0, c.exitCode(), "qemu-img create " + l.name() + ": " + c.stderr());
            if (l.commands().length > 0) {
                List<String> io = new ArrayList<>(List.of("-f", "qcow2"));
                for (String cmd : l.commands()) {
                    io.addAll(List.of("-c", cmd));
                }
                io.add(image);
                Qemu.Result r = Qemu.io(io.toArray(String[]::new));
                assertEquals(0, r.exitCode(), "qemu-io on " + l.name() + ": " + r.stdout() + r.stderr());
            }
            below = l.name();
        }
        return dir;
    }
}
