package dev.blockstep.engine.qcow2.format;

/** On-disk constants of qcow2, named as in qemu's block/qcow2.h. */
public final class Qcow2Constants {
    public static final int QCOW_MAGIC = 0x514649fb;
    public static final int HEADER_LENGTH_V3 = 112;
    public static final int MIN_CLUSTER_BITS = 9;
    public static final int MAX_CLUSTER_BITS = 21;
    public static final int DEFAULT_CLUSTER_BITS = 16;
    public static final int DEFAULT_REFCOUNT_ORDER = 4;

    public static final long QCOW_OFLAG_COPIED = 1L << 63;
    public static final long QCOW_OFLAG_COMPRESSED = 1L << 62;
    public static final long QCOW_OFLAG_ZERO = 1L;

    public static final long L1E_OFFSET_MASK = 0x00fffffffffffe00L;
    public static final long L1E_RESERVED_MASK = 0x7f000000000001ffL;
    public static final long L2E_OFFSET_MASK = 0x00fffffffffffe00L;
    public static final long L2E_STD_RESERVED_MASK = 0x3f000000000001feL;
    public static final long REFT_OFFSET_MASK = 0xfffffffffffffe00L;
    public static final long REFT_RESERVED_MASK = 0x1ffL;

    /** qemu's limits on table sizes (QCOW_MAX_L1_SIZE, QCOW_MAX_REFTABLE_SIZE), in bytes. */
    public static final long QCOW_MAX_L1_SIZE = 32L * 1024 * 1024;
    public static final long QCOW_MAX_REFTABLE_SIZE = 8L * 1024 * 1024;

    /** Header extension magics. */
    public static final int EXT_END = 0;
    public static final int EXT_BACKING_FORMAT = 0xe2792aca;
    public static final int EXT_FEATURE_TABLE = 0x6803f857;
    public static final int EXT_CRYPTO_HEADER = 0x0537be77;
    public static final int EXT_BITMAPS = 0x23852875;
    public static final int EXT_DATA_FILE = 0x44415441;

    /** Incompatible feature bits. */
    public static final long INCOMPAT_DIRTY = 1L;
    public static final long INCOMPAT_CORRUPT = 1L << 1;
    public static final long INCOMPAT_DATA_FILE = 1L << 2;
    public static final long INCOMPAT_COMPRESSION = 1L << 3;
    public static final long INCOMPAT_EXTL2 = 1L << 4;
    public static final long INCOMPAT_MASK = 0x1fL;

    /** Compatible feature bits. */
    public static final long COMPAT_LAZY_REFCOUNTS = 1L;

    private Qcow2Constants() {
    }
}
