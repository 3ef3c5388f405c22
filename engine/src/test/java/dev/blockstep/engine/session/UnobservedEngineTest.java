package dev.blockstep.engine.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#unobserved()} drops what nobody reads in blockstep io (footprints, events, frames) and nothing
 * else: the same steps in the same order, the same qemu-io output and the same image bytes as an observed run.
 */
class UnobservedEngineTest {

    /** The io bench's mix on the first eight clusters: aio_write -P, -z and -z -u, an aio_flush every 50. */
    private static List<QemuIoCommand> contended(long seed, int n) throws Exception {
        Random r = new Random(seed);
        List<QemuIoCommand> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long off = 65536L * r.nextInt(8);
            String line = switch (r.nextInt(3)) {
                case 0 -> "aio_write -P " + (1 + r.nextInt(255)) + " " + off + " 65536";
                case 1 -> "aio_write -z " + off + " 65536";
                default -> "aio_write -z -u " + off + " 65536";
            };
            out.add(QemuIoParser.parseLine(line, "test", 1).orElseThrow());
            if (i % 50 == 0) {
                out.add(QemuIoParser.parseLine("aio_flush", "test", 1).orElseThrow());
            }
        }
        return out;
    }

    private record Ran(List<String> steps, List<String> output, byte[] image, int touches, int events) {
    }

    private static Ran run(HostFile base, List<QemuIoCommand> cmds, long seed, boolean observed) throws Exception {
        Engine e = new Engine(new Workload(base, "img", cmds, FixVariant.NONE, () -> Policies.seededRandom(seed)));
        if (!observed) {
            e.unobserved();
        }
        List<String> steps = new ArrayList<>();
        int touches = 0;
        int events = 0;
        for (Step s = e.step(); s != null; s = e.step()) {
            steps.add(s.index() + " " + s.coroutine() + " " + s.name() + " " + s.runnable());
            touches += s.touches().size();
            events += s.events().size();
        }
        List<String> output = new ArrayList<>();
        for (int i = 0; i < e.node().outputCount(); i++) {
            output.add(e.node().outputLine(i).toString());
        }
        byte[] image = e.file().read(0, (int) e.file().length());
        return new Ran(steps, output, image, touches, events);
    }

    @Test
    void anUnobservedRunTakesTheSameStepsAndWritesTheSameOutputAndBytes() throws Exception {
        HostFile base = Qcow2Create.create(16L << 20, 65536);
        for (long seed = 1; seed <= 3; seed++) {
            List<QemuIoCommand> cmds = contended(seed, 600);
            Ran observed = run(base, cmds, seed, true);
            Ran unobserved = run(base, cmds, seed, false);
            assertEquals(observed.steps(), unobserved.steps(), "seed " + seed + ": steps");
            assertEquals(observed.output(), unobserved.output(), "seed " + seed + ": output");
            assertArrayEquals(observed.image(), unobserved.image(), "seed " + seed + ": image bytes");
            assertTrue(observed.touches() > 0 && observed.events() > 0, "an observed run records footprints");
            assertEquals(0, unobserved.touches() + unobserved.events(), "an unobserved run records none");
        }
    }
}
