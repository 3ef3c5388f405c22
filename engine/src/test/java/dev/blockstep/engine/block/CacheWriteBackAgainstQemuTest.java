package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * qemu's metadata cache write-backs against real qemu-io 7.2: the trace events qcow2_cache_flush (one per
 * qcow2_cache_write) and qcow2_cache_entry_flush (one per dirty entry written, with its index) of a whole qemu-io
 * run, close included, must come in the engine's events in the same number and order. And the engine's
 * qcow2_co_flush_to_os must yield exactly once per entry it writes: with clean caches it releases s->lock in the
 * step that wrote nothing.
 */
class CacheWriteBackAgainstQemuTest {
    private static final Pattern TRACE = Pattern.compile(
            "qcow2_cache_(entry_)?flush co 0x\\p{XDigit}+ is_l2_cache ([01])(?: index (\\d+))?");

    @TempDir
    Path dir;

    static List<Arguments> scripts() {
        return List.of(
                // two L2 tables in a 2-entry L2 cache; a discard leaves both caches dirty until the next flush
                Arguments.of("1G", "", List.of("write -P 1 0 64k", "write -P 2 0 64k", "discard 0 64k",
                        "write -P 3 600M 64k", "discard 600M 64k")),
                // zero writes with and without unmap, a COW write, an explicit flush after a discard
                Arguments.of("16M", "", List.of("write -P 5 0 128k", "write -z 0 64k", "write -z -u 64k 64k",
                        "write -P 6 200k 4k", "discard 0 128k", "flush", "write -z 1M 192k", "read 0 64k")),
                // eight L2 tables in an 8-entry cache, dirtied in an order that differs from their entries'
                Arguments.of("4G", "", List.of("write -P 1 3G 64k", "write -P 2 1G 64k", "write -P 3 0 64k",
                        "discard 1G 64k", "discard 0 64k", "discard 3G 64k", "flush", "write -P 4 2G 64k",
                        "discard 2G 64k")),
                // 512-byte clusters: refcount blocks fill and new ones are allocated, and the 4-entry refcount
                // cache evicts dirty blocks; each request stays inside one L2 table, since qemu links the chunks of
                // a request that spans tables in an order that depends on when the thread pool completes them
                Arguments.of("4M", "cluster_size=512", smallClusterScript()));
    }

    private static List<String> smallClusterScript() {
        List<String> script = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            script.add("write -P " + (i + 1) + " " + (i * 96) + "k 32k");
            if (i % 5 == 4) {
                script.add("discard " + ((i - 2) * 96) + "k 32k");
            }
        }
        script.add("write -z -u 0 32k");
        return script;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("scripts")
    void writeBacksMatchRealQemu(String size, String options, List<String> script) throws Exception {
        Path img = dir.resolve("img.qcow2");
        List<String> create = new ArrayList<>(List.of("create", "-q", "-f", "qcow2"));
        if (!options.isEmpty()) {
            create.addAll(List.of("-o", options));
        }
        create.addAll(List.of(img.toString(), size));
        Qemu.Result made = Qemu.img(create.toArray(String[]::new));
        assertEquals(0, made.exitCode(), made.stderr());
        HostFile start = HostFile.load(img);

        List<String> args = new ArrayList<>(List.of("-f", "qcow2", "-T", "qcow2_cache_flush", "-T",
                "qcow2_cache_entry_flush"));
        for (String c : script) {
            args.addAll(List.of("-c", c));
        }
        args.add(img.toString());
        Qemu.Result real = Qemu.io(args.toArray(String[]::new));
        assertEquals(0, real.exitCode(), real.stdout() + real.stderr());
        List<String> expected = new ArrayList<>();
        Matcher m = TRACE.matcher(real.stderr());
        while (m.find()) {
            String cache = m.group(2).equals("1") ? "L2" : "refcount";
            expected.add(m.group(1) == null ? "write " + cache : "  entry " + cache + " " + m.group(3));
        }
        assertTrue(expected.size() > 4, "qemu printed no cache trace: " + real.stderr());

        EngineSession s = new EngineSession(new Workload(start, "img",
                QemuIoParser.parseScript(String.join("\n", script), "script"), FixVariant.NONE, Policies::fifo));
        while (!s.current().finished()) {
            s.step();
        }
        List<String> actual = new ArrayList<>();
        for (Step st : s.steps()) {
            for (EngineEvent e : st.events()) {
                if (e instanceof EngineEvent.CacheFlush f) {
                    actual.add("write " + (f.l2Cache() ? "L2" : "refcount"));
                } else if (e instanceof EngineEvent.CacheEntryFlush f) {
                    actual.add("  entry " + (f.l2Cache() ? "L2" : "refcount") + " " + f.index());
                }
            }
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual), "cache write-backs of " + script);
        assertFlushToOsYieldsPerEntry(s.steps());
    }

    /**
     * From each qcow2_co_flush_to_os step to the step of the same coroutine that releases s->lock, the coroutine
     * yields once per entry the flush wrote, and once more for each fdatasync of a file flush that a cache
     * dependency put before an entry; with clean caches, not at all.
     */
    private static void assertFlushToOsYieldsPerEntry(List<Step> steps) {
        int flushes = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step st = steps.get(i);
            if (!st.name().equals("qcow2_co_flush_to_os")) {
                continue;
            }
            flushes++;
            long entries = 0;
            int runs = 0;
            int syncs = 0;
            for (int j = i; j < steps.size(); j++) {
                Step t = steps.get(j);
                if (t.coroutine() != st.coroutine()) {
                    continue;
                }
                runs++;
                if (t.name().equals(FileFlush.SYNCED) && j > i) {
                    syncs++;
                }
                entries += t.events().stream().filter(e -> e instanceof EngineEvent.CacheEntryFlush).count();
                if (t.events().stream().anyMatch(e -> e instanceof EngineEvent.LockReleased)) {
                    break;
                }
            }
            assertEquals(entries + syncs, runs - 1, "step " + st.index() + " (" + st.name() + "): yields of "
                    + "qcow2_co_flush_to_os with " + entries + " dirty entries");
        }
        assertTrue(flushes > 0, "no qcow2_co_flush_to_os step");
    }
}
