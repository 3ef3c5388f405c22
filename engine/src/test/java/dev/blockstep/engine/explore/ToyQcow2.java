package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.DriverOps;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test double with qcow2's allocation semantics for single-cluster requests and nothing else: L2 entries with
 * COPIED and ZERO flags, refcounts, first-fit allocation from free_cluster_index, keep_old reuse of ZERO_ALLOC
 * clusters, zeroize/discard freeing and punching, and qemu's "free failed" line. Its metadata lives in host
 * cluster 0 (L2 entries at 0, 16-bit refcounts at 4096), so a check reads it from the file alone. It exists so
 * that the explorer can be tested on the race without the real qcow2 driver.
 */
final class ToyQcow2 implements DriverOps {
    static final int CS = 65536;
    static final int GUEST_CLUSTERS = 8;
    static final int HOST_CLUSTERS = 64;
    static final long COPIED = 1L << 63;
    static final long ZERO = 1;
    static final long HOST_MASK = 0x00fffffffffffe00L;

    private final HostFile f;
    private long fci = 0;
    private final List<Meta> clusterAllocs = new ArrayList<>();

    record Meta(long guestOffset, long hostOffset, int clusters, boolean keepOld) implements L2Meta { }

    ToyQcow2(HostFile f) {
        this.f = f;
        if (f.length() == 0) {
            f.writeZeroes(0, CS);
            setRefcount(0, 1);
        }
    }

    long l2(int g) {
        return f.readBe64(8L * g);
    }

    private void setL2(int g, long v, Consumer<EngineEvent> ev) {
        long old = l2(g);
        f.writeBe64(8L * g, v);
        ev.accept(new EngineEvent.L2EntryWritten(0, g, old, v));
    }

    int refcount(long h) {
        byte[] b = f.read(4096 + 2 * h, 2);
        return ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    }

    private void setRefcount(long h, int r) {
        f.write(4096 + 2 * h, new byte[] {(byte) (r >> 8), (byte) r});
    }

    @Override
    public int clusterSize() {
        return CS;
    }

    @Override
    public long virtualSize() {
        return (long) CS * GUEST_CLUSTERS;
    }

    @Override
    public Alloc allocHostOffset(long offset, long bytes, Consumer<EngineEvent> ev) {
        int g = (int) (offset / CS);
        long n = Math.min(bytes, CS - offset % CS);
        for (Meta m : clusterAllocs) {
            if (m.guestOffset() / CS == g) {
                return new Alloc.MustWait(m);
            }
        }
        long e = l2(g);
        long h = e & HOST_MASK;
        if (h != 0 && (e & COPIED) != 0) {
            if ((e & ZERO) == 0) {
                return new Alloc.Chunk(h + offset % CS, n, null, true);
            }
            Meta m = new Meta(g * (long) CS, h, 1, true);
            clusterAllocs.add(0, m);
            return new Alloc.Chunk(h + offset % CS, n, m, true);
        }
        long nh = allocate(ev);
        Meta m = new Meta(g * (long) CS, nh, 1, false);
        clusterAllocs.add(0, m);
        return new Alloc.Chunk(nh + offset % CS, n, m, false);
    }

    private long allocate(Consumer<EngineEvent> ev) {
        long c = Math.max(fci, 1);
        while (refcount(c) != 0) {
            c++;
        }
        fci = c + 1;
        setRefcount(c, 1);
        ev.accept(new EngineEvent.ClustersAllocated(0, c * CS, 1, "data"));
        if (f.length() < (c + 1) * CS) {
            f.writeZeroes(f.length(), (c + 1) * CS - f.length());
        }
        return c * CS;
    }

    private void free(long host, Consumer<EngineEvent> ev) {
        long c = host / CS;
        int r = refcount(c);
        if (r == 0) {
            ev.accept(new EngineEvent.StderrLine(0, "qcow2_free_clusters failed: Invalid argument"));
            return;
        }
        setRefcount(c, r - 1);
        if (r - 1 == 0) {
            fci = Math.min(fci, c);
            f.punch(host, CS);
            ev.accept(new EngineEvent.HolePunched(0, host, CS));
        }
    }

    @Override
    public void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev) {
        f.write(hostOffset, data, dataOffset, len);
    }

    @Override
    public boolean needsCow(L2Meta meta) {
        return false;
    }

    @Override
    public void performCow(L2Meta meta, Consumer<EngineEvent> ev) {
    }

    @Override
    public void linkL2(L2Meta meta, Consumer<EngineEvent> ev) {
        int g = (int) (meta.guestOffset() / CS);
        long old = l2(g);
        setL2(g, meta.hostOffset() | COPIED, ev);
        long oldHost = old & HOST_MASK;
        if (!meta.keepOld() && oldHost != 0 && oldHost != meta.hostOffset()) {
            free(oldHost, ev);
        }
        clusterAllocs.remove(meta);
    }

    @Override
    public boolean zeroize(long offset, long bytes, boolean mayUnmap, Consumer<EngineEvent> ev) {
        for (long o = offset; o < offset + bytes; o += CS) {
            int g = (int) (o / CS);
            long e = l2(g);
            long h = e & HOST_MASK;
            if (h == 0) {
                if (e != ZERO) {
                    setL2(g, ZERO, ev);
                }
            } else if (mayUnmap) {
                setL2(g, ZERO, ev);
                free(h, ev);
            } else if ((e & ZERO) == 0) {
                setL2(g, e | ZERO, ev);
            }
        }
        return true;
    }

    @Override
    public boolean canZeroPartial(long offset, long bytes) {
        return false;
    }

    @Override
    public void discard(long offset, long bytes, Consumer<EngineEvent> ev) {
        for (long o = offset; o < offset + bytes; o += CS) {
            int g = (int) (o / CS);
            long h = l2(g) & HOST_MASK;
            if (h != 0) {
                setL2(g, ZERO, ev);
                free(h, ev);
            }
        }
    }

    @Override
    public void flushToOs(Consumer<EngineEvent> ev) {
    }

    @Override
    public long[] hostOffsetForRead(long offset, long bytes) {
        long n = Math.min(bytes, CS - offset % CS);
        long e = l2((int) (offset / CS));
        long h = e & HOST_MASK;
        return new long[] {h != 0 && (e & ZERO) == 0 ? h + offset % CS : -1, n};
    }

    @Override
    public void readData(long guestOffset, long hostOffset, byte[] dst, int dstOffset, int len) {
        if (hostOffset < 0) {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + len, (byte) 0);
        } else {
            f.read(hostOffset, dst, dstOffset, len);
        }
    }

    /** The toy's qemu-img check: references against refcounts, and COPIED against refcount 1. */
    static List<String> check(HostFile f) {
        ToyQcow2 t = new ToyQcow2(f.copy());
        int[] refs = new int[HOST_CLUSTERS];
        refs[0] = 1;
        List<String> errs = new ArrayList<>();
        for (int g = 0; g < GUEST_CLUSTERS; g++) {
            long e = t.l2(g);
            long h = e & HOST_MASK;
            if (h != 0) {
                refs[(int) (h / CS)]++;
                if ((e & COPIED) != 0 && t.refcount(h / CS) != 1) {
                    errs.add("ERROR OFLAG_COPIED data cluster: l2_entry=" + Long.toHexString(e) + " refcount="
                            + t.refcount(h / CS));
                }
            }
        }
        for (int c = 0; c < HOST_CLUSTERS; c++) {
            if (refs[c] != t.refcount(c)) {
                errs.add(0, "ERROR cluster " + c + " refcount=" + t.refcount(c) + " reference=" + refs[c]);
            }
        }
        return errs;
    }
}
