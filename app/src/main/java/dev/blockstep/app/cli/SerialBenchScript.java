package dev.blockstep.app.cli;

import dev.blockstep.engine.coroutine.SplitMix64;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The serial io benchmark's script, with the mix of bench/gen-serial-script.py (writes of every shape,
 * write -z with and without -u, aligned and partial discards, reads, flushes; 80% in a hot region of 2048
 * clusters so clusters are freed and reused), drawn from a seeded SplitMix64 so it needs no Python.
 */
final class SerialBenchScript {
    private SerialBenchScript() {
    }

    static List<QemuIoCommand> generate(long seed, int count, long size, int cluster) {
        SplitMix64 r = new SplitMix64(seed);
        long hot = Math.min(size, 2048L * cluster);
        List<QemuIoCommand> out = new ArrayList<>();
        while (out.size() < count) {
            long off = (long) (unit(r) * (unit(r) < 0.8 ? hot : size));
            off = unit(r) < 0.6 ? off / cluster * cluster : off / 512 * 512;
            double k = unit(r);
            long length;
            if (k < 0.3) {
                length = cluster;
            } else if (k < 0.6) {
                length = 512L * (1 + r.nextInt(cluster / 512));
            } else {
                length = (long) cluster * (1 + r.nextInt(8)) + 512L * r.nextInt(cluster / 512);
            }
            length = Math.min(length, size - off);
            if (length <= 0) {
                continue;
            }
            double c = unit(r);
            if (c < 0.45) {
                out.add(new QemuIoCommand.Write(off, length, 1 + r.nextInt(255), false, false, false));
            } else if (c < 0.58) {
                out.add(new QemuIoCommand.Write(off, length, 0, true, false, false));
            } else if (c < 0.70) {
                out.add(new QemuIoCommand.Write(off, length, 0, true, true, false));
            } else if (c < 0.85) {
                out.add(new QemuIoCommand.Discard(off, length, false));
            } else if (c < 0.97) {
                out.add(new QemuIoCommand.Read(off, length, OptionalInt.empty(), false));
            } else {
                out.add(new QemuIoCommand.Flush());
            }
        }
        return out;
    }

    private static double unit(SplitMix64 r) {
        return (r.nextLong() >>> 11) * 0x1.0p-53;
    }
}
