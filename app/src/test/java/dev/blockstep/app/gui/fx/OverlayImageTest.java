package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * An overlay made by real qemu-img opens in the window with its backing chain, and the tables say which guest
 * clusters read through to the backing file: the same clusters real {@code qemu-img map} puts at depth 1.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class OverlayImageTest {

    private static final int CLUSTER = 65536;
    private static final Pattern MAP_ROW =
            Pattern.compile("\"start\": (\\d+), \"length\": (\\d+), \"depth\": (\\d+)");

    @TempDir
    Path dir;
    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @Test
    void anOverlayOpensOverItsBackingFileAndShowsWhichClustersReadThrough() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Path overlay = dir.resolve("overlay.qcow2");
        assertEquals(0, Qemu.img("create", "-f", "qcow2", base.toString(), "1M").exitCode());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x22 0 1M", base.toString()).exitCode());
        Qemu.Result made = Qemu.img("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2",
                overlay.toString(), "1M");
        assertEquals(0, made.exitCode(), made.stderr());
        assertEquals(0, Qemu.io("-f", "qcow2", "-c", "write -P 0x5a 64k 64k", "-c", "write -z 512k 64k",
                overlay.toString()).exitCode());
        byte[] baseBefore = Files.readAllBytes(base);
        byte[] overlayBefore = Files.readAllBytes(overlay);

        assertEquals("", fx.openFile(overlay), "the overlay was refused");
        String shown = WaitForAsyncUtils.asyncFx(() -> fx.window.tablesPanel().backingText()).get();

        assertEquals("Backing file base.qcow2 (qcow2): " + fromBacking(overlay), shown,
                "status " + fx.vm.statusProperty().get());
        assertArrayEquals(baseBefore, Files.readAllBytes(base), "the backing file must not change");
        assertArrayEquals(overlayBefore, Files.readAllBytes(overlay), "the overlay must not change");
    }

    /** What qemu-img map says: the clusters it takes from depth 1 (the backing file), as the window words it. */
    private static String fromBacking(Path overlay) {
        Qemu.Result map = Qemu.img("map", "--output=json", overlay.toString());
        assertEquals(0, map.exitCode(), map.stderr());
        List<long[]> runs = new ArrayList<>();
        long total = 0;
        Matcher m = MAP_ROW.matcher(map.stdout());
        while (m.find()) {
            if (Integer.parseInt(m.group(3)) == 1) {
                long first = Long.parseLong(m.group(1)) / CLUSTER;
                long n = Long.parseLong(m.group(2)) / CLUSTER;
                runs.add(new long[] {first, n});
                total += n;
            }
        }
        List<String> parts = new ArrayList<>();
        for (long[] r : runs) {
            parts.add(r[1] == 1 ? Long.toString(r[0]) : r[0] + "–" + (r[0] + r[1] - 1));
        }
        return total + " guest clusters read through to it: " + String.join(", ", parts);
    }
}
