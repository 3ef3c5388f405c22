package dev.blockstep.engine.check;

import dev.blockstep.engine.qcow2.format.TableOffset;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Opens an image the way {@code qemu-img check} does: probes the format, then validates the qcow2 header
 * in the order qemu 7.2's qcow2_do_open does, failing with qemu's own message. Tables that lie past the
 * end of the file are not refused here, because qemu does not refuse them either; the check reports them.
 * Features blockstep does not model (snapshots, encryption, external data files, extended
 * L2 entries, persistent bitmaps) are refused with a message that names the header field.
 */
final class Qcow2Open {

    /** Bytes qemu's format probe reads from the start of the file. */
    private static final int PROBE_BYTES = 2048;
    private static final long AUTOCLEAR_DATA_FILE_RAW = 1L << 1;
    /** BDRV_MAX_LENGTH: qemu's block layer fails any request reaching past it with EIO. */
    static final long BDRV_MAX_LENGTH = 0x7fffffffc0000000L;

    private Qcow2Open() {
    }

    static OpenImage open(ImageBytes bytes, String file) throws CheckException {
        return open(bytes, file, true);
    }

    /**
     * @param probe false when the user named the format (-f qcow2): a file that is not qcow2 is then an
     *              open failure rather than a raw image
     */
    static OpenImage open(ImageBytes bytes, String file, boolean probe) throws CheckException {
        byte[] head = bytes.read(0, PROBE_BYTES);
        ByteBuffer b = ByteBuffer.wrap(head);
        if (probe && (b.getInt(0) != QCOW_MAGIC || Integer.compareUnsigned(b.getInt(4), 2) < 0)) {
            refuseOtherFormats(head, file);
            throw new CheckException(CheckException.Kind.NO_CHECK_FOR_FORMAT,
                    "This image format does not support checks");
        }
        if (b.getInt(0) != QCOW_MAGIC) {
            throw CheckException.openFailed(file, "Image is not in qcow2 format");
        }
        Header h = Header.decode(head);
        checkHeaderFields(h, file);
        long clusterSize = 1L << h.clusterBits();
        long refcountTableEntries = Integer.toUnsignedLong(h.refcountTableClusters()) << (h.clusterBits() - 3);
        checkTables(h, refcountTableEntries, file);
        checkEncryption(h, file);
        if (refcountTableEntries > 0 && !readable(h.refcountTableOffset(), 8 * refcountTableEntries)) {
            throw CheckException.openFailed(file, "Could not initialize refcount handling: Input/output error");
        }
        HeaderExtensions ext = HeaderExtensions.read(bytes, h, clusterSize, file);
        checkLateOpenSteps(h, ext, file);
        refuseUnmodelled(h, ext, file);
        OpenImage.L1Entries l1 = readNonZero(bytes, h.l1TableOffset(), h.l1Size());
        long[] refcountTable = readTable(bytes, h.refcountTableOffset(), (int) refcountTableEntries);
        return new OpenImage(h, bytes.length(), l1, refcountTable);
    }

    /** The fixed header fields, up to the compression type. */
    private static void checkHeaderFields(Header h, String file) throws CheckException {
        if (h.version() != 2 && h.version() != 3) {
            throw CheckException.openFailed(file, "Unsupported qcow2 version " + Integer.toUnsignedString(h.version()));
        }
        if (h.clusterBits() < MIN_CLUSTER_BITS || h.clusterBits() > MAX_CLUSTER_BITS) {
            throw CheckException.openFailed(file, "Unsupported cluster size: 2^" + Integer.toUnsignedString(h.clusterBits()));
        }
        long clusterSize = 1L << h.clusterBits();
        if (h.version() == 3 && Integer.compareUnsigned(h.headerLength(), 104) < 0) {
            throw CheckException.openFailed(file, "qcow2 header too short");
        }
        if (Long.compareUnsigned(Integer.toUnsignedLong(h.headerLength()), clusterSize) > 0) {
            throw CheckException.openFailed(file, "qcow2 header exceeds cluster size");
        }
        if (Long.compareUnsigned(h.backingFileOffset(), clusterSize) > 0) {
            throw CheckException.openFailed(file, "Invalid backing file offset");
        }
        long unknown = h.incompatibleFeatures() & ~INCOMPAT_MASK;
        if (unknown != 0) {
            throw CheckException.openFailed(file, "Unsupported qcow2 feature(s): Unknown incompatible feature: "
                    + Long.toHexString(unknown));
        }
        if (Integer.compareUnsigned(h.refcountOrder(), 6) > 0) {
            throw CheckException.openFailed(file, "Reference count entry width too large; may not exceed 64 bits");
        }
        checkCompressionType(h, file);
    }

    /** Refcount table and L1 table sizes and offsets, and that the L1 table can be read. */
    private static void checkTables(Header h, long refcountTableEntries, String file) throws CheckException {
        long clusterSize = 1L << h.clusterBits();
        if (Integer.toUnsignedLong(h.refcountTableClusters()) > (QCOW_MAX_REFTABLE_SIZE >>> h.clusterBits())) {
            throw CheckException.openFailed(file, "Reference count table too large");
        }
        if (!TableOffset.valid(h.refcountTableOffset(), refcountTableEntries, 8, clusterSize)) {
            throw CheckException.openFailed(file, "Reference count table offset invalid");
        }
        if (!TableOffset.valid(h.snapshotsOffset(), Integer.toUnsignedLong(h.nbSnapshots()), TableOffset.SNAPSHOT_HEADER_SIZE,
                clusterSize)) {
            // qemu-img opens with BDRV_O_CHECK, which lets the open through; its snapshot-table check then stops
            // with these two lines (qemu-img prefixes each)
            throw new CheckException(CheckException.Kind.CHECK_FAILED,
                    "ERROR snapshot table offset invalid\nqemu-img: Check failed: Invalid argument");
        }
        if (Integer.toUnsignedLong(h.l1Size()) > QCOW_MAX_L1_SIZE / 8) {
            throw CheckException.openFailed(file, "Active L1 table too large");
        }
        if (!TableOffset.valid(h.l1TableOffset(), Integer.toUnsignedLong(h.l1Size()), 8, clusterSize)) {
            throw CheckException.openFailed(file, "Active L1 table offset invalid");
        }
        int shift = 2 * h.clusterBits() - 3;
        long l1VmStateIndex = (h.size() + (1L << shift) - 1) >>> shift;
        if (l1VmStateIndex > Integer.MAX_VALUE) {
            throw CheckException.openFailed(file, "Image is too big");
        }
        if (h.l1Size() < l1VmStateIndex) {
            throw CheckException.openFailed(file, "L1 table is too small");
        }
        if (h.l1Size() > 0 && !readable(h.l1TableOffset(), 8L * h.l1Size())) {
            throw CheckException.openFailed(file, "Could not read L1 table: Input/output error");
        }
    }

    /** What qemu checks after reading the header extensions, and the block layer's size limit. */
    private static void checkLateOpenSteps(Header h, HeaderExtensions ext, String file) throws CheckException {
        long clusterSize = 1L << h.clusterBits();
        if (h.cryptMethod() == 2 && !ext.has(EXT_CRYPTO_HEADER)) {
            throw CheckException.openFailed(file, "Missing CRYPTO header for crypt method 2");
        }
        if ((h.incompatibleFeatures() & INCOMPAT_DATA_FILE) != 0) {
            throw CheckException.openFailed(file, "'data-file' is required for this image");
        }
        if ((h.autoclearFeatures() & AUTOCLEAR_DATA_FILE_RAW) != 0) {
            throw CheckException.openFailed(file, "data-file-raw requires a data file");
        }
        long backingNameLength = Integer.toUnsignedLong(h.backingFileSize());
        if (h.backingFileOffset() != 0
                && (backingNameLength > Math.min(1023, clusterSize - h.backingFileOffset()) || backingNameLength >= 4096)) {
            throw CheckException.openFailed(file, "Backing file name too long");
        }
        if (Long.divideUnsigned(h.size(), 512) > BDRV_MAX_LENGTH / 512) {
            throw CheckException.openFailed(file, "Could not refresh total sector count: File too large");
        }
    }

    /** Whether the block layer lets a read of this range through. */
    static boolean readable(long offset, long length) {
        return offset >= 0 && length <= BDRV_MAX_LENGTH && offset <= BDRV_MAX_LENGTH - length;
    }

    private static void checkCompressionType(Header h, String file) throws CheckException {
        boolean bit = (h.incompatibleFeatures() & INCOMPAT_COMPRESSION) != 0;
        int type = h.compressionType();
        if (type > 1) {
            throw CheckException.openFailed(file, "qcow2: unknown compression type: " + type);
        }
        if (type != 0 && !bit) {
            throw CheckException.openFailed(file, "qcow2: Compression type incompatible feature bit must be set");
        }
        if (type == 0 && bit) {
            throw CheckException.openFailed(file, "qcow2: Compression type incompatible feature bit must not be set");
        }
    }

    /** qcow2_update_options: without a key qemu cannot open an AES image; unknown methods are refused. */
    private static void checkEncryption(Header h, String file) throws CheckException {
        if (h.cryptMethod() == 1) {
            throw CheckException.openFailed(file, "Parameter 'encrypt.key-secret' is required for cipher");
        }
        if (h.cryptMethod() > 2 || h.cryptMethod() < 0) {
            throw CheckException.openFailed(file, "Unsupported encryption method " + h.cryptMethod());
        }
    }

    /** Things qemu would open and check, but blockstep does not model; refused after qemu's own checks. */
    private static void refuseUnmodelled(Header h, HeaderExtensions ext, String file) throws CheckException {
        if (h.cryptMethod() != 0) {
            throw unmodelled(file, "crypt_method", 0x20, "encrypted images");
        }
        if ((h.incompatibleFeatures() & INCOMPAT_EXTL2) != 0) {
            throw unmodelled(file, "incompatible_features", 0x48, "extended L2 entries (bit 4)");
        }
        if (h.nbSnapshots() != 0) {
            throw unmodelled(file, "nb_snapshots", 0x3c, "internal snapshots");
        }
        if (ext.has(EXT_BITMAPS)) {
            throw CheckException.openFailed(file, "bitmaps header extension: blockstep check does not support "
                    + "persistent dirty bitmaps");
        }
    }

    static CheckException unmodelled(String file, String field, int at, String what) {
        return CheckException.openFailed(file, "header field " + field + " at offset 0x" + Integer.toHexString(at)
                + ": blockstep check does not support " + what);
    }

    /**
     * The non-zero entries of a table, read in bounded chunks and skipping what {@link ImageBytes#nextData} says
     * holds no data, so a huge and nearly empty L1 table costs what it stores.
     */
    private static OpenImage.L1Entries readNonZero(ImageBytes bytes, long offset, int entries) {
        int[] index = new int[16];
        long[] value = new long[16];
        int n = 0;
        int chunk = 1 << 16;
        long end = offset + 8L * entries;
        for (int i = 0; i < entries; ) {
            long data = bytes.nextData(offset + 8L * i);
            if (data >= end) {
                break;
            }
            i = (int) Math.max(i, (data - offset) / 8);
            int len = Math.min(chunk, entries - i);
            ByteBuffer b = ByteBuffer.wrap(bytes.read(offset + 8L * i, len * 8));
            for (int j = 0; j < len; j++) {
                long v = b.getLong();
                if (v != 0) {
                    if (n == index.length) {
                        index = java.util.Arrays.copyOf(index, n * 2);
                        value = java.util.Arrays.copyOf(value, n * 2);
                    }
                    index[n] = i + j;
                    value[n++] = v;
                }
            }
            i += len;
        }
        return new OpenImage.L1Entries(java.util.Arrays.copyOf(index, n), java.util.Arrays.copyOf(value, n));
    }

    private static long[] readTable(ImageBytes bytes, long offset, int entries) {
        long[] t = new long[entries];
        int chunk = 1 << 16;
        for (int i = 0; i < entries; i += chunk) {
            int n = Math.min(chunk, entries - i);
            ByteBuffer b = ByteBuffer.wrap(bytes.read(offset + 8L * i, n * 8));
            for (int j = 0; j < n; j++) {
                t[i + j] = b.getLong();
            }
        }
        return t;
    }

    /** Formats that qemu would probe and check with another driver; blockstep checks only qcow2. */
    private static void refuseOtherFormats(byte[] probe, String file) throws CheckException {
        String head = new String(probe, 0, 8, StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.wrap(probe);
        String format = null;
        if (b.getInt(0) == QCOW_MAGIC && b.getInt(4) == 1) {
            format = "qcow (version 1)";
        } else if (head.startsWith("KDMV") || head.startsWith("# Disk D")) {
            format = "vmdk";
        } else if (head.startsWith("QED\0")) {
            format = "qed";
        } else if (head.startsWith("vhdxfile")) {
            format = "vhdx";
        } else if (head.startsWith("conectix")) {
            format = "vpc";
        } else if (b.getInt(0x40) == 0x7f10dabe) {
            format = "vdi";
        } else if (head.startsWith("WithoutF") || head.startsWith("WithouFr")) {
            format = "parallels";
        }
        if (format != null) {
            throw CheckException.openFailed(file, "the file looks like a " + format
                    + " image; blockstep check supports only qcow2");
        }
    }
}
