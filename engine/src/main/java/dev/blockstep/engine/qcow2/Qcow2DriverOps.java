package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.block.DriverOps;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.session.DriverFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The real qcow2 driver behind the block layer's {@link DriverOps}. One chunk of qcow2_alloc_host_offset
 * can carry several QCowL2Metas (an in-place ZERO_ALLOC run continued by a fresh contiguous allocation);
 * they travel as one {@link Chunk}, are copied and linked together, and a dependency on any of them is a
 * dependency on the chunk. handle_alloc_space and merge_cow run at the start of the unlocked data step.
 */
public final class Qcow2DriverOps implements DriverOps {
    /** Coroutine id put on driver events: DriverOps does not pass one; the step records who ran. */
    private static final int CO = -1;

    private final Qcow2Driver d;
    private Consumer<EngineEvent> current = e -> { };
    private final Map<dev.blockstep.engine.qcow2.L2Meta, Chunk> chunkOf = new IdentityHashMap<>();
    private final List<Chunk> awaitingData = new ArrayList<>();

    private Qcow2DriverOps(HostFile file, String name) throws ImageFormatException {
        this.d = Qcow2Driver.open(file, name, e -> current.accept(e));
    }

    /** Opens images for the engine; an image the driver refuses fails with its one-line message. */
    public static DriverFactory factory(String name) {
        return file -> {
            try {
                return new Qcow2DriverOps(file, name);
            } catch (ImageFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
    }

    public Qcow2Driver driver() {
        return d;
    }

    /** One chunk's in-flight allocations, newest first. */
    private static final class Chunk implements DriverOps.L2Meta {
        final List<dev.blockstep.engine.qcow2.L2Meta> metas;
        final long guestOffset;
        final long hostOffset;
        final long bytes;
        dev.blockstep.engine.qcow2.L2Meta merged;
        byte[] mergedData;

        Chunk(List<dev.blockstep.engine.qcow2.L2Meta> metas, long guestOffset, long hostOffset, long bytes) {
            this.metas = metas;
            this.guestOffset = guestOffset;
            this.hostOffset = hostOffset;
            this.bytes = bytes;
        }

        @Override
        public long guestOffset() {
            return metas.get(metas.size() - 1).offset;
        }

        @Override
        public long hostOffset() {
            return metas.get(metas.size() - 1).allocOffset;
        }

        @Override
        public int clusters() {
            return metas.stream().mapToInt(m -> m.nbClusters).sum();
        }

        @Override
        public boolean keepOld() {
            return metas.stream().allMatch(m -> m.keepOld);
        }
    }

    private void to(Consumer<EngineEvent> ev) {
        current = ev;
    }

    @Override
    public int clusterSize() {
        return d.clusterSize();
    }

    @Override
    public long virtualSize() {
        return d.size();
    }

    @Override
    public Alloc allocHostOffset(long offset, long bytes, Consumer<EngineEvent> ev) {
        to(ev);
        AllocResult r = d.allocHostOffset(CO, offset, bytes);
        if (r instanceof AllocResult.MustWait w) {
            return new Alloc.MustWait(chunkOf.get(w.dependency()));
        }
        AllocResult.Allocated a = (AllocResult.Allocated) r;
        if (a.metas().isEmpty()) {
            return new Alloc.Chunk(a.hostOffset(), a.bytes(), null, true);
        }
        Chunk c = new Chunk(a.metas(), offset, a.hostOffset(), a.bytes());
        for (dev.blockstep.engine.qcow2.L2Meta m : a.metas()) {
            chunkOf.put(m, c);
        }
        awaitingData.add(c);
        return new Alloc.Chunk(a.hostOffset(), a.bytes(), c, c.keepOld());
    }

    @Override
    public void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev) {
        to(ev);
        Chunk c = null;
        for (Chunk x : awaitingData) {
            if (x.hostOffset == hostOffset && x.bytes == len) {
                c = x;
                break;
            }
        }
        if (c != null) {
            awaitingData.remove(c);
            d.handleAllocSpace(CO, c.metas);
            c.merged = d.mergeCow(c.metas, c.guestOffset, len);
            if (c.merged != null) {
                c.mergedData = java.util.Arrays.copyOfRange(data, dataOffset, dataOffset + len);
                return;
            }
        }
        d.writeData(CO, hostOffset, data, dataOffset, len);
    }

    @Override
    public boolean needsCow(DriverOps.L2Meta meta) {
        return ((Chunk) meta).metas.stream().anyMatch(d::needsCow);
    }

    @Override
    public void performCow(DriverOps.L2Meta meta, Consumer<EngineEvent> ev) {
        to(ev);
        Chunk c = (Chunk) meta;
        for (dev.blockstep.engine.qcow2.L2Meta m : c.metas) {
            if (d.needsCow(m)) {
                byte[] data = m == c.merged ? c.mergedData : null;
                d.performCowIo(CO, m, data, 0, data == null ? 0 : data.length);
            }
        }
    }

    @Override
    public void linkL2(DriverOps.L2Meta meta, Consumer<EngineEvent> ev) {
        to(ev);
        Chunk c = (Chunk) meta;
        for (dev.blockstep.engine.qcow2.L2Meta m : c.metas) {
            d.linkL2(CO, m);
            chunkOf.remove(m);
        }
    }

    @Override
    public boolean zeroize(long offset, long bytes, boolean mayUnmap, Consumer<EngineEvent> ev) {
        to(ev);
        d.zeroize(CO, offset, bytes, mayUnmap);
        return true;
    }

    @Override
    public boolean canZeroPartial(long offset, long bytes) {
        return d.canZeroPartial(CO, offset, bytes);
    }

    @Override
    public void discard(long offset, long bytes, Consumer<EngineEvent> ev) {
        to(ev);
        d.clusterDiscard(CO, offset, bytes);
    }

    @Override
    public void flushToOs(Consumer<EngineEvent> ev) {
        to(ev);
        d.flushToOs(CO);
    }

    @Override
    public long[] hostOffsetForRead(long offset, long bytes) {
        Qcow2Driver.GuestMapping m = d.map(CO, offset);
        long inCluster = offset & (d.clusterSize() - 1);
        long len = Math.min(bytes, d.clusterSize() - inCluster);
        long host = m.type() == ClusterType.NORMAL ? m.hostClusterOffset() + inCluster : -1;
        return new long[] {host, len};
    }

    @Override
    public void readData(long guestOffset, long hostOffset, byte[] dst, int dstOffset, int len) {
        if (hostOffset < 0) {
            java.util.Arrays.fill(dst, dstOffset, dstOffset + len, (byte) 0);
        } else {
            d.file().read(hostOffset, dst, dstOffset, len);
        }
    }
}
