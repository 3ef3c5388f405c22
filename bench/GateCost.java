import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the serialising gate costs traffic that never overlaps, in engine steps and tracked-request waits, under
 * each fix variant: 5000 commands in batches of 8 with an aio_flush after each batch, every command uniformly an
 * aio_write -P, aio_write -z or aio_write -z -u. "clusters": each batch touches 8 distinct whole clusters (64k).
 * "halves": each batch touches both 32k halves of 4 clusters, so no two requests share a byte, but pairs share a
 * cluster. Runs in qemu-io's own order (FIFO) and under a seeded random order. Engine figures, not qemu's.
 *
 * Usage: java -cp app/target/blockstep.jar bench/GateCost.java
 */
public final class GateCost {
    static List<QemuIoCommand> workload(boolean halves, long seed) {
        Random r = new Random(seed);
        List<QemuIoCommand> cmds = new ArrayList<>();
        for (int n = 0; n < 5000; ) {
            List<Long> offsets = new ArrayList<>();
            for (long c = 0; c < 8; c++) {
                offsets.add(halves ? (c / 2) * 65536 + (c % 2) * 32768 : c * 65536);
            }
            java.util.Collections.shuffle(offsets, r);
            for (long off : offsets) {
                long len = halves ? 32768 : 65536;
                int k = r.nextInt(3);
                cmds.add(new QemuIoCommand.AioWrite(off, len, k == 0 ? 1 + r.nextInt(255) : 0, k != 0, k == 2, false));
                n++;
            }
            cmds.add(new QemuIoCommand.AioFlush());
        }
        return cmds;
    }

    public static void main(String[] a) throws Exception {
        System.out.println("workload  order   variant                   steps    waits");
        for (boolean halves : new boolean[] {false, true}) {
            List<QemuIoCommand> cmds = workload(halves, 1);
            for (boolean seeded : new boolean[] {false, true}) {
                for (FixVariant v : FixVariant.all()) {
                    Engine e = new Engine(new Workload(Qcow2Create.create(16L << 20, 65536), "img", cmds, v,
                            seeded ? () -> Policies.seededRandom(1) : Policies::fifo));
                    long steps = 0;
                    long waits = 0;
                    for (Step s = e.step(); s != null; s = e.step()) {
                        steps++;
                        waits += s.events().stream().filter(ev -> ev instanceof EngineEvent.WaitSerialising).count();
                    }
                    System.out.printf("%-9s %-7s %-25s %-8d %d%n", halves ? "halves" : "clusters",
                            seeded ? "seed 1" : "fifo", v.id(), steps, waits);
                }
            }
        }
    }
}
