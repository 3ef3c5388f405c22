package dev.blockstep.engine.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real qemu-io 7.2 logs (trace-format's captured/), run on the engine in the log's order, must end in the state
 * real qemu reached: the same image bytes (captured/final-images.sha256, hashed from the files qemu-io left), and
 * for R1 and R2 the L2 entries and refcounts of facts §5.2.
 */
class QemuLogReplayTest {

    static final Path CAPTURED = Path.of("..", "trace-format", "src", "test", "resources", "captured");

    static Trace imported(String name) throws Exception {
        boolean raceSetup = name.equals("r1") || name.equals("r2");
        ImageSetup image = new ImageSetup.Fresh(16 << 20, 65536, raceSetup
                ? QemuIoScriptImporter.setup(Files.readString(CAPTURED.resolve("r-setup.qemu-io")), "r-setup.qemu-io")
                : List.of());
        return QemuLogImporter.importLog(Files.readString(CAPTURED.resolve(name + ".log")), name + ".log", image,
                QemuIoScriptImporter.parse(Files.readString(CAPTURED.resolve(name + ".qemu-io")), name + ".qemu-io"),
                name + ".qemu-io");
    }

    static Map<Long, String> l2(EngineSession s) {
        return s.current().image().l2().stream().collect(Collectors.toMap(L2Row::guestCluster,
                r -> "0x" + Long.toHexString(r.entry().raw()), (a, b) -> a, TreeMap::new));
    }

    static int refcount(EngineSession s, long cluster) {
        return s.current().image().hostClusters().stream().filter(r -> r.hostCluster() == cluster)
                .mapToInt(HostClusterRow::refcount).findFirst().orElse(0);
    }

    @Test
    void theR1LogsOrderLeavesGuestCluster0OnHostCluster5WithRefcount0() throws Exception {
        EngineSession s = QemuLogReplay.run(imported("r1"), CAPTURED, "r1");
        assertEquals(Map.of(0L, "0x8000000000050000"), l2(s));
        assertEquals(0, refcount(s, 5));
    }

    @Test
    void theR2LogsOrderMakesGuestClusters0And1AliasHostCluster5() throws Exception {
        EngineSession s = QemuLogReplay.run(imported("r2"), CAPTURED, "r2");
        assertEquals(Map.of(0L, "0x8000000000050000", 1L, "0x8000000000050000"), l2(s));
        assertEquals(1, refcount(s, 5));
    }

    @Test
    void theEngineScheduleOfALogIsAnOrdinaryTraceThatReplays(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Trace source = imported("r1");
        EngineSession s = QemuLogReplay.run(source, CAPTURED, "r1");
        Trace recorded = TraceRecorder.record(source, source.metadata(), s);
        EngineSession replayed = TraceReplay.replay(recorded, dir, "r1.json");
        assertEquals(TraceImages.sha256(s.engine().file()), TraceImages.sha256(replayed.engine().file()));
        assertEquals(List.copyOf(s.current().stderr()), List.copyOf(replayed.current().stderr()));
    }

    static String realSha(String name) throws Exception {
        return Files.readAllLines(CAPTURED.resolve("final-images.sha256")).stream()
                .filter(l -> l.endsWith("  " + name)).map(l -> l.substring(0, 64)).findFirst().orElseThrow();
    }

    /*
     * r1 needs the punch as its own step: real qemu punched host cluster 5 after W's data had landed (log lines 81
     * and 91-92), so the freed cluster holds zeros, not W's 0x22 bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"r1", "r2", "serial-write-read", "serial-zero-discard", "serial-fua", "serial-read-only",
        "rand-stdin"})
    void theEngineFollowingARealLogLeavesTheSameImageBytesAsQemu(String name) throws Exception {
        EngineSession s = QemuLogReplay.run(imported(name), CAPTURED, name);
        assertEquals(realSha(name), TraceImages.sha256(s.engine().file()));
    }

    @Test
    void theRandomStdinRunReproducesQemusThreeFreeFailures() throws Exception {
        EngineSession s = QemuLogReplay.run(imported("rand-stdin"), CAPTURED, "rand-stdin");
        assertEquals(List.of("qcow2_free_clusters failed: Invalid argument",
                "qcow2_free_clusters failed: Invalid argument", "qcow2_free_clusters failed: Invalid argument"),
                s.current().stderr());
    }

    @Test
    void fifoOrderDoesNotReproduceTheRandomStdinImage() throws Exception {
        Trace t = imported("rand-stdin");
        EngineSession fifo = new EngineSession(TraceReplay.workload(t, CAPTURED, "rand-stdin",
                dev.blockstep.engine.coroutine.Policies::fifo));
        for (int i = 0; i < 100_000 && !fifo.current().finished(); i++) {
            fifo.step();
        }
        assertNotEquals(realSha("rand-stdin"), TraceImages.sha256(fifo.engine().file()));
    }
}
