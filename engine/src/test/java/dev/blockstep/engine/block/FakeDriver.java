package dev.blockstep.engine.block;

import dev.blockstep.engine.event.EngineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test double with no qcow2 semantics: every write allocates with an L2Meta, nothing needs COW, and the
 * calls are logged. It lets the block-layer tests look at ordering alone.
 */
public final class FakeDriver implements DriverOps {
    public final List<String> log = new ArrayList<>();
    private long nextHost = 0x50000;

    private record Meta(long guestOffset, long hostOffset, int clusters, boolean keepOld) implements L2Meta { }

    @Override
    public int clusterSize() {
        return 65536;
    }

    @Override
    public long virtualSize() {
        return 16 << 20;
    }

    @Override
    public Alloc allocHostOffset(long offset, long bytes, Consumer<EngineEvent> ev) {
        log.add("alloc " + offset);
        long h = nextHost;
        nextHost += 65536;
        return new Alloc.Chunk(h, bytes, new Meta(offset, h, 1, false), false);
    }

    @Override
    public void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev) {
        log.add("data " + hostOffset);
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
        log.add("link " + meta.guestOffset());
    }

    @Override
    public boolean zeroize(long offset, long bytes, boolean mayUnmap, Consumer<EngineEvent> ev) {
        log.add("zero " + offset + (mayUnmap ? " unmap" : ""));
        return true;
    }

    @Override
    public boolean canZeroPartial(long offset, long bytes) {
        return false;
    }

    @Override
    public void discard(long offset, long bytes, Consumer<EngineEvent> ev) {
        log.add("discard " + offset);
    }

    @Override
    public void flushToOs(Consumer<EngineEvent> ev) {
    }

    @Override
    public long[] hostOffsetForRead(long offset, long bytes) {
        return new long[] {-1, bytes};
    }

    @Override
    public void readData(long guestOffset, long hostOffset, byte[] dst, int dstOffset, int len) {
    }
}
