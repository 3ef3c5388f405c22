package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.Qcow2Constants;
import java.nio.ByteBuffer;

/**
 * qcow2_co_create with qemu-img's defaults: a minimal header, a refcount table with one block, an open
 * that allocates clusters 0-2 through the normal allocator, the full header, then the exact-size L1
 * table from the truncate to the virtual size.
 */
public final class Qcow2Create {
    private Qcow2Create() {
    }

    /** Why qemu-img create refuses a size or cluster size, with qemu's text. */
    public static final class CreateException extends Exception {
        public CreateException(String message) {
            super(message);
        }
    }

    /** The virtual size qemu stores for a requested size (rounded up to whole 512-byte sectors). */
    public static long storedSize(long requested) {
        return (requested + 511) / 512 * 512;
    }

    public static HostFile create(long size, int clusterSize) throws CreateException {
        return create(size, clusterSize, null);
    }

    /** @param backing the backing file link to write into the header, or null for none */
    public static HostFile create(long size, int clusterSize, BackingFile backing) throws CreateException {
        if (Integer.bitCount(clusterSize) != 1 || clusterSize < 512 || clusterSize > 2 * 1024 * 1024) {
            throw new CreateException("Cluster size must be a power of two between 512 and 2048k");
        }
        size = storedSize(size);
        int clusterBits = Integer.numberOfTrailingZeros(clusterSize);
        long l2Span = (long) clusterSize * (clusterSize / 8);
        long l1Size = (size + l2Span - 1) / l2Span;
        if (l1Size > Qcow2Constants.QCOW_MAX_L1_SIZE / 8) {
            throw new CreateException("The image size is too large for file format 'qcow2' (try using a larger cluster size)");
        }
        HostFile f = new HostFile();
        Header minimal = new Header(3, 0, 0, clusterBits, 0, 0, 0, 0, clusterSize, 1, 0, 0, 0, 0, 0,
                Qcow2Constants.DEFAULT_REFCOUNT_ORDER, Qcow2Constants.HEADER_LENGTH_V3, 0);
        byte[] head = new byte[clusterSize];
        System.arraycopy(minimal.toClusterBytes(), 0, head, 0, Qcow2Constants.HEADER_LENGTH_V3);
        f.write(0, head);
        f.writeZeroes(clusterSize, 2L * clusterSize);
        f.writeBe64(clusterSize, 2L * clusterSize);
        Qcow2State s;
        try {
            s = Qcow2Open.open(f, "new image", EngineEventSink.NONE, false);
        } catch (ImageFormatException e) {
            throw new IllegalStateException("the minimal header blockstep wrote does not parse: " + e.getMessage(), e);
        }
        Refcounts refcounts = new Refcounts(s);
        refcounts.allocClusters(3L * clusterSize, "header, refcount table and block");
        f.write(0, backing == null ? s.header.toClusterBytes() : backing.headerCluster(s.header));
        if (l1Size > 0) {
            long l1Offset = refcounts.allocClusters(l1Size * 8, "L1 table");
            f.writeZeroes(l1Offset, l1Size * 8);
            ByteBuffer b = ByteBuffer.allocate(12).putInt((int) l1Size).putLong(l1Offset);
            f.write(0x24, b.array());
        }
        ByteBuffer sz = ByteBuffer.allocate(8).putLong(size);
        f.write(0x18, sz.array());
        return f;
    }

    /** The line qemu-img create prints before creating. */
    public static String formattingLine(String file, long requestedSize, int clusterSize) {
        return formattingLine(file, requestedSize, clusterSize, null);
    }

    public static String formattingLine(String file, long requestedSize, int clusterSize, BackingFile backing) {
        String link = backing == null ? "" : " backing_file=" + backing.name() + " backing_fmt=" + backing.format();
        return "Formatting '" + file + "', fmt=qcow2 cluster_size=" + clusterSize
                + " extended_l2=off compression_type=zlib size=" + requestedSize + link
                + " lazy_refcounts=off refcount_bits=16";
    }
}
