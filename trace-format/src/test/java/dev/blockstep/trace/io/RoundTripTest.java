package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.QemuLog;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {

    static Trace reread(Trace t) throws Exception {
        String json = TraceWriter.toJson(t);
        return TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json");
    }

    /** A random but valid trace: every command kind, producer, flag, schedule shape and checkpoint kind. */
    static Trace randomTrace(long seed) {
        Random r = new Random(seed);
        List<Command> workload = new ArrayList<>();
        List<String> cos = new ArrayList<>();
        int n = 1 + r.nextInt(40);
        for (int i = 0; i < n; i++) {
            String co = "c" + i;
            Producer p = Producer.values()[r.nextInt(Producer.values().length)];
            long off = 512L * r.nextInt(1000);
            long bytes = 512L * (1 + r.nextInt(256));
            Command c = switch (r.nextInt(6)) {
                case 0 -> {
                    boolean zero = r.nextBoolean();
                    yield new Command.Write(r.nextBoolean(), co, p, off, bytes, zero ? null : r.nextInt(256), zero,
                            zero && r.nextBoolean(), r.nextBoolean());
                }
                case 1 -> new Command.Read(co, p, off, bytes, r.nextBoolean() ? null : r.nextInt(256));
                case 2 -> new Command.Discard(co, p, off, bytes);
                case 3 -> new Command.Flush(co, p);
                case 4 -> new Command.AioFlush(r.nextBoolean() ? null : co);
                default -> new Command.Write(true, co, Producer.GUEST, off, bytes, 0x22, false, false, false);
            };
            if (c.coroutine() != null) {
                cos.add(co);
            }
            workload.add(c);
        }
        if (cos.isEmpty()) {
            workload.add(new Command.Flush("last", Producer.GUEST));
            cos.add("last");
        }
        List<ScheduleEntry> schedule = new ArrayList<>();
        int steps = r.nextInt(3) == 0 ? 0 : 2 + r.nextInt(300);
        for (int i = 0; i < steps; i++) {
            List<String> runnable = new ArrayList<>();
            for (String co : cos) {
                if (r.nextInt(4) == 0) {
                    runnable.add(co);
                }
            }
            if (runnable.isEmpty()) {
                runnable.add(cos.get(r.nextInt(cos.size())));
            }
            String chosen = runnable.get(r.nextInt(runnable.size()));
            schedule.add(new ScheduleEntry(chosen, runnable, r.nextBoolean() ? null : "step_" + r.nextInt(20),
                    r.nextInt(5) == 0 ? "user click" : null));
        }
        List<Long> flips = new ArrayList<>();
        if (steps > 2) {
            for (long s = 1 + r.nextInt(steps - 1); s < steps; s += 1 + r.nextInt(steps)) {
                flips.add(s);
            }
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (long s = 0; s <= steps; s += 1 + r.nextInt(50)) {
            TreeMap<Long, Long> l2 = new TreeMap<>();
            l2.put((long) r.nextInt(256), r.nextLong());
            checkpoints.add(new Checkpoint(s, r.nextBoolean() ? null : "ab".repeat(32), l2,
                    new TreeMap<>(Map.of(5L, r.nextInt(3)))));
        }
        ImageSetup image = r.nextBoolean()
                ? new ImageSetup.Fresh(1L << 30, 1 << (9 + r.nextInt(13)),
                        List.of(new Command.Write(false, null, Producer.GUEST, 0, 65536, 0x11, false, false, false)))
                : new ImageSetup.Base("images/base-" + seed + ".qcow2", r.nextBoolean() ? null : "0f".repeat(32),
                        List.of());
        if (r.nextInt(3) == 0) {
            image = overChain(image, r, 1 + r.nextInt(3));
        }
        QemuLog log = null;
        if (r.nextBoolean()) {
            Map<String, String> symbols = new LinkedHashMap<>();
            symbols.put(cos.get(0), "0x55d131c4adf0");
            symbols.put("s->lock", "0x55d131c4a700");
            log = new QemuLog("x.log", symbols, List.of(
                    new QemuEvent(3, cos.get(0), "qemu_co_mutex_lock_uncontended", "mutex s->lock self " + cos.get(0)),
                    new QemuEvent(4, null, "thread_pool_complete", "pool 0x1 req 0x2 opaque 0x3 ret 0")),
                    List.of("s->lock identified from qcow2_writev_start_part"));
        }
        Metadata m = new Metadata("t" + seed, r.nextBoolean() ? null : "line one \"quoted\"\nline two",
                "blockstep test", r.nextBoolean() ? null : r.nextLong(), r.nextBoolean() ? "random" : null);
        return new Trace(Trace.FORMAT_VERSION, m, image, workload, FixSetting.ofToggles(r.nextBoolean(), flips), schedule,
                checkpoints, log);
    }

    /** {@code top} over {@code depth} layers, each fresh with a setup write or a base file next to the trace. */
    private static ImageSetup overChain(ImageSetup top, Random r, int depth) {
        ImageSetup below = null;
        for (int i = depth - 1; i >= 0; i--) {
            BackingLayer next = below == null ? null : new BackingLayer("layer" + (i + 1) + ".qcow2", "qcow2", below);
            below = r.nextBoolean()
                    ? new ImageSetup.Fresh(1L << 20, 65536, List.of(new Command.Write(false, null, Producer.GUEST,
                            0, 65536, 0x10 + i, false, false, false)), next)
                    : new ImageSetup.Base("images/layer" + i + ".qcow2", null, List.of(), next);
        }
        BackingLayer layer = new BackingLayer("layer0.qcow2", "qcow2", below);
        return top instanceof ImageSetup.Fresh f ? new ImageSetup.Fresh(f.virtualSize(), f.clusterSize(), f.setup(), layer)
                : new ImageSetup.Base(((ImageSetup.Base) top).path(), ((ImageSetup.Base) top).sha256(), top.setup(), layer);
    }

    @Test
    void randomTracesReadBackEqualAfterWriting() throws Exception {
        for (long seed = 0; seed < 200; seed++) {
            Trace t = randomTrace(seed);
            assertEquals(t, reread(t), "seed " + seed);
        }
    }

    @Test
    void readWriteReadGivesEqualObjectsAndTheSameBytes() throws Exception {
        for (long seed = 0; seed < 50; seed++) {
            Trace once = reread(randomTrace(seed));
            Trace twice = reread(once);
            assertEquals(once, twice);
            assertEquals(TraceWriter.toJson(once), TraceWriter.toJson(twice));
        }
    }

    @Test
    void aFileWrittenToDiskStreamsTheSameScheduleAsTheInMemoryRead(@TempDir Path tmp) throws Exception {
        Trace t = randomTrace(7);
        Path f = tmp.resolve("t.json");
        TraceWriter.write(t, f);
        TraceFile file = TraceReader.open(f);
        assertEquals(t.schedule().size(), file.scheduleLength());
        List<ScheduleEntry> streamed = new ArrayList<>();
        try (TraceFile.ScheduleStream s = file.schedule()) {
            for (ScheduleEntry e = s.next(); e != null; e = s.next()) {
                streamed.add(e);
            }
        }
        assertEquals(t.schedule(), streamed);
        assertEquals(t.workload(), file.withWorkload().workload());
        assertEquals(t.checkpoints(), file.header().checkpoints());
    }
}
