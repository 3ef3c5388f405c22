package dev.blockstep.engine.explore;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;

/**
 * Reads guest bytes of an image through a qcow2 driver of its own, opened on a copy, so that the engine under
 * test is never touched and no events go anywhere.
 */
final class GuestIo {
    private final Qcow2Driver d;

    /**
     * @param backing the setup's backing chain, or null. An end image a commit pointed at its base reads through
     *                the setup's chain too: the commit copied exactly what that chain reads.
     */
    GuestIo(HostFile image, String name, BackingImage backing) throws ImageFormatException {
        this.d = Qcow2Driver.open(image.copy(), name, EngineEventSink.NONE, backing == null ? null : link -> backing);
    }

    int clusterSize() {
        return d.clusterSize();
    }

    long virtualSize() {
        return d.size();
    }

    byte[] read(long offset, int len) {
        byte[] b = new byte[len];
        d.read(0, offset, b, 0, len);
        return b;
    }

    /** The first guest offset at or after {@code offset} that may be allocated (the virtual size if none). */
    long nextCandidate(long offset) {
        return d.clusters().nextWithL2Table(offset);
    }

    /** Whether the guest cluster at {@code offset} is backed by a host cluster (data, ZERO_ALLOC, compressed). */
    boolean allocated(long offset) {
        return d.clusters().map(0, offset).hostClusterOffset() != 0;
    }
}
