package dev.blockstep.engine.qcow2;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded serial qemu-io scripts that exercise the allocator: writes of every shape (sub-cluster,
 * whole-cluster, straddling, multi-cluster), write -z with and without -u, aligned and partial discards,
 * reads and flushes, mostly in a hot region so clusters are freed and reused, sometimes near or past the
 * end of the disk.
 */
public final class ScriptGenerator {
    private final Random rnd;
    private final long size;
    private final int cluster;

    public ScriptGenerator(long seed, long size, int clusterSize) {
        this.rnd = new Random(seed);
        this.size = size;
        this.cluster = clusterSize;
    }

    public List<String> commands(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(command());
        }
        return out;
    }

    private String command() {
        long off = offset();
        long len = length();
        int kind = rnd.nextInt(100);
        if (kind < 45) {
            return "write -P 0x" + Integer.toHexString(1 + rnd.nextInt(255)) + " " + off + " " + len;
        } else if (kind < 58) {
            return "write -z " + off + " " + len;
        } else if (kind < 72) {
            return "write -z -u " + off + " " + len;
        } else if (kind < 88) {
            return "discard " + off + " " + len;
        } else if (kind < 96) {
            return "read " + off + " " + len;
        }
        return "flush";
    }

    private long offset() {
        int r = rnd.nextInt(100);
        long hot = Math.min(size, 48L * cluster);
        long off;
        if (r < 70) {
            off = (long) (rnd.nextDouble() * hot);
        } else if (r < 90) {
            off = (long) (rnd.nextDouble() * size);
        } else if (r < 97) {
            off = size - (long) (rnd.nextDouble() * 3 * cluster);
        } else {
            off = size + rnd.nextInt(2 * cluster);
        }
        int a = rnd.nextInt(10);
        if (a < 5) {
            off = off / cluster * cluster;
        } else if (a < 9) {
            off = off / 512 * 512;
        }
        return Math.max(0, off);
    }

    private long length() {
        int r = rnd.nextInt(100);
        long len;
        if (r < 30) {
            len = cluster;
        } else if (r < 55) {
            len = 1 + rnd.nextInt(cluster);
        } else if (r < 85) {
            len = (long) cluster * (1 + rnd.nextInt(6)) + (rnd.nextBoolean() ? 0 : rnd.nextInt(cluster));
        } else {
            len = (long) cluster * (8 + rnd.nextInt(40));
        }
        if (rnd.nextInt(4) > 0) {
            len = Math.max(512, len / 512 * 512);
        }
        return Math.min(len, 8L << 20);
    }
}
