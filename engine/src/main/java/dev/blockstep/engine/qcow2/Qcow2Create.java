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

    /** qemu-img create's preallocation modes blockstep writes. */
    public enum Preallocation { OFF, METADATA, FALLOC, FULL }

    /**
     * The qcow2 create options blockstep supports.
     *
     * @param version 2 (compat=0.10) or 3 (compat=1.1, the default)
     */
    public record Options(int clusterSize, int refcountBits, int version, boolean lazyRefcounts, boolean extendedL2,
                          Preallocation preallocation) {

        public static Options defaults(int clusterSize) {
            return new Options(clusterSize, 16, 3, false, false, Preallocation.OFF);
        }
    }

    public static HostFile create(long size, int clusterSize) throws CreateException {
        return create(size, Options.defaults(clusterSize));
    }

    /** qcow2_co_create's checks of the options, in qemu's order and with its messages. */
    private static void validate(Options o) throws CreateException {
        int clusterSize = o.clusterSize();
        if (Integer.bitCount(clusterSize) != 1 || clusterSize < 512 || clusterSize > 2 * 1024 * 1024) {
            throw new CreateException("Cluster size must be a power of two between 512 and 2048k");
        }
        if (o.extendedL2()) {
            if (o.version() < 3) {
                throw new CreateException("Extended L2 entries are only supported with compatibility level 1.1 and "
                        + "above (use version=v3 or greater)");
            }
            if (clusterSize < 16384) {
                throw new CreateException("Extended L2 entries are only supported with cluster sizes of at least "
                        + "16384 bytes");
            }
        }
        if (o.version() < 3 && o.lazyRefcounts()) {
            throw new CreateException("Lazy refcounts only supported with compatibility level 1.1 and above (use "
                    + "version=v3 or greater)");
        }
        if (Integer.bitCount(o.refcountBits()) != 1 || o.refcountBits() > 64) {
            throw new CreateException("Refcount width must be a power of two and may not exceed 64 bits");
        }
        if (o.version() < 3 && o.refcountBits() != 16) {
            throw new CreateException("Different refcount widths than 16 bits require compatibility level 1.1 or "
                    + "above (use version=v3 or greater)");
        }
    }

    public static HostFile create(long size, Options o) throws CreateException {
        return create(size, o, null);
    }

    public static HostFile create(long size, int clusterSize, BackingFile backing) throws CreateException {
        return create(size, Options.defaults(clusterSize), backing);
    }

    /** @param backing the backing file link to write into the header, or null for none */
    public static HostFile create(long size, Options o, BackingFile backing) throws CreateException {
        validate(o);
        if (backing != null && o.preallocation() != Preallocation.OFF && !o.extendedL2()) {
            throw new CreateException("Backing file and preallocation can only be used at the same time if "
                    + "extended_l2 is on");
        }
        int clusterSize = o.clusterSize();
        size = storedSize(size);
        int clusterBits = Integer.numberOfTrailingZeros(clusterSize);
        long l2Span = (long) clusterSize * (clusterSize / (o.extendedL2() ? 16 : 8));
        long l1Size = (size + l2Span - 1) / l2Span;
        if (l1Size > Qcow2Constants.QCOW_MAX_L1_SIZE / 8) {
            throw new CreateException("The image size is too large for file format 'qcow2' (try using a larger cluster size)");
        }
        HostFile f = new HostFile();
        Header minimal = new Header(3, 0, 0, clusterBits, 0, 0, 0, 0, clusterSize, 1, 0, 0, 0, 0, 0,
                Integer.numberOfTrailingZeros(o.refcountBits()), Qcow2Constants.HEADER_LENGTH_V3, 0);
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
        if (o.extendedL2()) {
            f.writeBe64(0x48, Qcow2Constants.INCOMPAT_EXTL2);
        }
        if (o.lazyRefcounts()) {
            f.writeBe64(0x50, 1L);
        }
        if (o.preallocation() == Preallocation.METADATA && l1Size > 0) {
            preallocateMetadata(f, s, refcounts, size, l1Size, o.extendedL2() ? 16 : 8);
        }
        if (o.preallocation() == Preallocation.FALLOC || o.preallocation() == Preallocation.FULL) {
            preallocateData(f, s, refcounts, size, o.extendedL2() ? 16 : 8);
        }
        if (o.version() == 2) {
            // A version 2 header is 72 bytes; qemu writes no feature table after it, only the backing format
            // extension and the backing file name when there is a backing file.
            f.writeBe64(0, 0x514649fb00000002L);
            byte[] v2 = new byte[clusterSize];
            f.read(0, v2, 0, 0x48);
            f.write(0, backing == null ? v2 : backing.headerCluster(v2, 0x48));
        }
        return f;
    }

    /**
     * preallocate_co for preallocation=metadata: for each L2 table's range in guest order, the L2 table and
     * then that range's data clusters through the allocator, every entry NORMAL|COPIED; the file then ends
     * where the last data cluster ends (the data clusters stay holes). Extended L2 entries keep a zero subcluster
     * bitmap, as for the data preallocation below, and the file then ends at the subcluster holding the last
     * guest byte.
     */
    private static void preallocateMetadata(HostFile f, Qcow2State s, Refcounts refcounts, long size, long l1Size,
                                            int entrySize) {
        long l1Offset = f.readBe64(0x28);
        long clusterSize = 1L << s.clusterBits;
        long perTable = clusterSize / entrySize;
        long clusters = (size + clusterSize - 1) / clusterSize;
        long end = 0;
        for (long t = 0; t < l1Size; t++) {
            long n = Math.min(perTable, clusters - t * perTable);
            long l2 = refcounts.allocClusters(clusterSize, "L2 table");
            f.writeZeroes(l2, clusterSize);
            f.writeBe64(l1Offset + 8 * t, l2 | Qcow2Constants.QCOW_OFLAG_COPIED);
            long data = refcounts.allocClusters(n * clusterSize, "preallocated data");
            for (long i = 0; i < n; i++) {
                f.writeBe64(l2 + entrySize * i, (data + i * clusterSize) | Qcow2Constants.QCOW_OFLAG_COPIED);
            }
            end = data + n * clusterSize;
        }
        long tail = size % clusterSize;
        if (entrySize == 16 && tail != 0) {
            // the last allocation ends with the guest size rounded to a subcluster, and so does the file
            long subcluster = clusterSize / 32;
            end -= clusterSize - (tail + subcluster - 1) / subcluster * subcluster;
        }
        if (end > f.length()) {
            f.writeZeroes(f.length(), end - f.length());
        }
    }

    /**
     * qcow2_co_truncate's falloc and full modes from size 0 ({@link Qcow2Preallocation}); each L2 table is allocated
     * as the first free cluster when its slice is linked, so the first lands where the old refcount table was and the
     * rest after the data. With extended L2 entries the subcluster bitmaps stay 0: a preallocated cluster's
     * subclusters read as unallocated.
     */
    private static void preallocateData(HostFile f, Qcow2State s, Refcounts refcounts, long size, int entrySize) {
        long clusterSize = 1L << s.clusterBits;
        long perTable = clusterSize / entrySize;
        long l1Offset = f.readBe64(0x28);
        Qcow2Preallocation.data(s, refcounts, 0, size, entrySize, (guest, host, n, cowStart) -> {
            // from size 0 every slice starts a table of its own
            long l2 = refcounts.allocClusters(clusterSize, "L2 table");
            f.writeZeroes(l2, clusterSize);
            f.writeBe64(l1Offset + 8 * (guest / clusterSize / perTable), l2 | Qcow2Constants.QCOW_OFLAG_COPIED);
            for (long i = 0; i < n; i++) {
                f.writeBe64(l2 + entrySize * i, (host + i * clusterSize) | Qcow2Constants.QCOW_OFLAG_COPIED);
            }
        });
    }

    /** The line qemu-img create prints before creating. */
    public static String formattingLine(String file, long requestedSize, int clusterSize) {
        return formattingLine(file, requestedSize, clusterSize, new Spelling("off", null, null, "off", 16));
    }

    /**
     * The options as the user spelled them, which is how qemu-img prints them back: {@code null} for an
     * option that was not given and that qemu then leaves out of the line.
     */
    public record Spelling(String extendedL2, String preallocation, String compat, String lazyRefcounts,
                           long refcountBits) {
    }

    /** The line qemu-img create prints before creating, with the given options in qemu's order. */
    public static String formattingLine(String file, long requestedSize, long clusterSize, Spelling o) {
        return formattingLine(file, requestedSize, clusterSize, o, null);
    }

    /** As above, for an image with the backing link {@code backing} (null for none). */
    public static String formattingLine(String file, long requestedSize, long clusterSize, Spelling o,
                                        BackingFile backing) {
        return formattingLine(file, requestedSize, clusterSize, o, backing, "zlib", null);
    }

    /**
     * As above with compression_type as spelled (qemu prints "zlib" when none was given) and extent_size_hint in
     * bytes, printed last and only when given (null otherwise).
     */
    public static String formattingLine(String file, long requestedSize, long clusterSize, Spelling o,
                                        BackingFile backing, String compressionType, String extentSizeHint) {
        return formattingLine(file, requestedSize, clusterSize, o, backing == null ? null : backing.name(),
                backing == null ? null : backing.format(), compressionType, extentSizeHint);
    }

    /** As above, with the backing file's name and format each given or not (null). */
    public static String formattingLine(String file, long requestedSize, long clusterSize, Spelling o,
                                        String backingName, String backingFormat, String compressionType,
                                        String extentSizeHint) {
        return "Formatting '" + file + "', fmt=qcow2 cluster_size=" + clusterSize + " extended_l2=" + o.extendedL2()
                + (o.preallocation() == null ? "" : " preallocation=" + o.preallocation())
                + " compression_type=" + compressionType + " size=" + requestedSize
                + (o.compat() == null ? "" : " compat=" + o.compat())
                + (backingName == null ? "" : " backing_file=" + backingName.replace(",", ",,"))
                + (backingFormat == null ? "" : " backing_fmt=" + backingFormat.replace(",", ",,"))
                + " lazy_refcounts=" + o.lazyRefcounts() + " refcount_bits=" + o.refcountBits()
                + (extentSizeHint == null ? "" : " extent_size_hint=" + extentSizeHint);
    }
}
