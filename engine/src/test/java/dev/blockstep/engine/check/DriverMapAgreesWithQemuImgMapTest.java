package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The L2 rows of the driver's ImageView (what the debugger's L2 panel shows) against real {@code qemu-img map
 * --output=json} on images real qemu-io wrote, the racy ones included: per guest cluster, whether it is present,
 * reads as zero, holds data, and at which host offset. (The view's host-cluster rows are the checker's own walk,
 * which the check tests compare with qemu-img check.)
 */
class DriverMapAgreesWithQemuImgMapTest {
    private static final int CLUSTER = 65536;
    private static final Pattern ENTRY = Pattern.compile("\"start\": (\\d+), \"length\": (\\d+), \"depth\": \\d+, "
            + "\"present\": (true|false), \"zero\": (true|false), \"data\": (true|false)(?:, \"offset\": (\\d+))?");

    /** What qemu-img map says about one guest cluster. */
    record Mapping(boolean present, boolean zero, boolean data, long offset) { }

    @TempDir
    Path dir;

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("fresh", new String[][] {}),
                Arguments.of("written", new String[][] {{"write -P 1 0 128k", "write -z 1M 64k", "write -P 2 7M 64k",
                        "write -z 7M 64k", "discard 0 64k", "write -z -u 64k 64k"}}),
                Arguments.of("race R1", new String[][] {{"write -P 0x11 0 64k", "write -z 0 64k"},
                        {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k", "aio_flush"}}),
                Arguments.of("race R2", new String[][] {{"write -P 0x11 0 64k", "write -z 0 64k"},
                        {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k", "aio_write -P 0x33 64k 64k", "aio_flush"}}));
    }

    private static List<Mapping> qemuMap(Path img, long clusters) {
        Qemu.Result r = Qemu.img("map", "--output=json", "-f", "qcow2", img.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        List<Mapping> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(r.stdout());
        while (m.find()) {
            long start = Long.parseLong(m.group(1));
            long length = Long.parseLong(m.group(2));
            for (long g = start; g < start + length; g += CLUSTER) {
                long off = m.group(6) == null ? -1 : Long.parseLong(m.group(6)) + (g - start);
                out.add(new Mapping(m.group(3).equals("true"), m.group(4).equals("true"), m.group(5).equals("true"),
                        off));
            }
        }
        assertEquals(clusters, out.size(), "qemu-img map must cover every guest cluster:\n" + r.stdout());
        return out;
    }

    private static List<Mapping> driverMap(ImageView v) {
        Map<Long, L2Row> rows = new HashMap<>();
        v.l2().forEach(r -> rows.put(r.guestCluster(), r));
        List<Mapping> out = new ArrayList<>();
        for (long g = 0; g < v.virtualSize() / v.clusterSize(); g++) {
            L2Row r = rows.get(g);
            ClusterType t = r == null ? ClusterType.UNALLOCATED : r.entry().type();
            out.add(switch (t) {
                case UNALLOCATED -> new Mapping(false, true, false, -1);
                case ZERO_PLAIN -> new Mapping(true, true, false, -1);
                case ZERO_ALLOC -> new Mapping(true, true, false, r.entry().hostOffset());
                case NORMAL -> new Mapping(true, false, true, r.entry().hostOffset());
                default -> throw new AssertionError("no image here has " + t + " clusters");
            });
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void theDriversL2RowsMapGuestClustersAsQemuImgMapDoes(String name, String[][] sessions) throws Exception {
        Path img = dir.resolve(name.replace(' ', '-') + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "8M").exitCode());
        for (String[] session : sessions) {
            List<String> args = new ArrayList<>(List.of("-f", "qcow2"));
            for (String c : session) {
                args.add("-c");
                args.add(c);
            }
            args.add(img.toString());
            Qemu.io(args.toArray(String[]::new));
        }
        ImageView v = Qcow2Driver.open(HostFile.load(img), img.toString(), EngineEventSink.NONE).imageView();
        assertEquals(qemuMap(img, 8L * 1024 * 1024 / CLUSTER), driverMap(v));
    }
}
