package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.SplitMix64;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * The brief's random workload (engine facts §5.3): each command is uniformly an aio_write with a random
 * pattern, an aio_write -z or an aio_write -z -u of 64 KiB at one of the first eight clusters, with an aio_flush
 * after every 50 commands and at the end.
 */
public final class RandomWorkload {
    private RandomWorkload() {
    }

    public static List<QemuIoCommand> generate(long seed, int commands) {
        SplitMix64 rng = new SplitMix64(seed);
        List<QemuIoCommand> out = new ArrayList<>();
        for (int i = 1; i <= commands; i++) {
            long off = 65536L * rng.nextInt(8);
            int kind = rng.nextInt(3);
            out.add(switch (kind) {
                case 0 -> new QemuIoCommand.AioWrite(off, 65536, 1 + rng.nextInt(255), false, false, false);
                case 1 -> new QemuIoCommand.AioWrite(off, 65536, 0, true, false, false);
                default -> new QemuIoCommand.AioWrite(off, 65536, 0, true, true, false);
            });
            if (i % 50 == 0 || i == commands) {
                out.add(new QemuIoCommand.AioFlush());
            }
        }
        return out;
    }
}
