package dev.blockstep.engine.qcow2.format;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The qcow2 header, field by field as it sits at the start of the image (all big-endian).
 *
 * @param version             0x04, 2 or 3; blockstep models version 3
 * @param backingFileOffset   0x08, 0 when there is no backing file
 * @param backingFileSize     0x10
 * @param clusterBits         0x14, 9 to 21
 * @param size                0x18, virtual disk size in bytes
 * @param cryptMethod         0x20, 0 = none
 * @param l1Size              0x24, entries in the active L1 table
 * @param l1TableOffset       0x28, cluster-aligned
 * @param refcountTableOffset 0x30, cluster-aligned
 * @param refcountTableClusters 0x38
 * @param nbSnapshots         0x3c
 * @param snapshotsOffset     0x40
 * @param incompatibleFeatures 0x48
 * @param compatibleFeatures  0x50
 * @param autoclearFeatures   0x58
 * @param refcountOrder       0x60, refcount width is 1 &lt;&lt; order bits
 * @param headerLength        0x64, 112 for what qemu 7.2 writes
 * @param compressionType     0x68, 0 = zlib
 */
public record Header(int version, long backingFileOffset, int backingFileSize, int clusterBits, long size,
                     int cryptMethod, int l1Size, long l1TableOffset, long refcountTableOffset,
                     int refcountTableClusters, int nbSnapshots, long snapshotsOffset,
                     long incompatibleFeatures, long compatibleFeatures, long autoclearFeatures,
                     int refcountOrder, int headerLength, int compressionType) {

    /** Bytes of the feature-name table extension qemu writes after the header. */
    private static final String[][] FEATURES = {
            {"0", "0", "dirty bit"}, {"0", "1", "corrupt bit"}, {"0", "2", "external data file"},
            {"0", "3", "compression type"}, {"0", "4", "extended L2 entries"}, {"1", "0", "lazy refcounts"},
            {"2", "0", "bitmaps"}, {"2", "1", "raw external data"}};

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public int refcountBits() {
        return 1 << refcountOrder;
    }

    /** Entries in one L2 table (standard 8-byte entries). */
    public int l2Entries() {
        return clusterSize() / 8;
    }

    /** The header qemu-img create writes for a fresh image. */
    public static Header fresh(long size, int clusterBits, int l1Size, long l1TableOffset,
                               long refcountTableOffset, int refcountTableClusters) {
        return new Header(3, 0, 0, clusterBits, size, 0, l1Size, l1TableOffset, refcountTableOffset,
                refcountTableClusters, 0, 0, 0, 0, 0, DEFAULT_REFCOUNT_ORDER, HEADER_LENGTH_V3, 0);
    }

    /** The same header naming no backing file (backing_file_offset and backing_file_size 0). */
    public Header withoutBacking() {
        return new Header(version, 0, 0, clusterBits, size, cryptMethod, l1Size, l1TableOffset, refcountTableOffset,
                refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures, compatibleFeatures,
                autoclearFeatures, refcountOrder, headerLength, compressionType);
    }

    public Header withSize(long newSize) {
        return new Header(version, backingFileOffset, backingFileSize, clusterBits, newSize, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder, headerLength,
                compressionType);
    }

    public Header withL1(int newL1Size, long newL1TableOffset) {
        return new Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, newL1Size,
                newL1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset,
                incompatibleFeatures, compatibleFeatures, autoclearFeatures, refcountOrder, headerLength,
                compressionType);
    }

    public Header withIncompatibleFeatures(long features) {
        return new Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, features,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType);
    }

    public Header withRefcountTable(long offset, int clusters) {
        return new Header(version, backingFileOffset, backingFileSize, clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, offset, clusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, compressionType);
    }

    /**
     * The whole header cluster as qemu writes it: header, feature-name table, end marker, zero padding.
     */
    public byte[] toClusterBytes() {
        ByteBuffer b = ByteBuffer.allocate(clusterSize());
        b.putInt(QCOW_MAGIC).putInt(version).putLong(backingFileOffset).putInt(backingFileSize)
                .putInt(clusterBits).putLong(size).putInt(cryptMethod).putInt(l1Size).putLong(l1TableOffset)
                .putLong(refcountTableOffset).putInt(refcountTableClusters).putInt(nbSnapshots)
                .putLong(snapshotsOffset).putLong(incompatibleFeatures).putLong(compatibleFeatures)
                .putLong(autoclearFeatures).putInt(refcountOrder).putInt(headerLength)
                .put((byte) compressionType);
        b.position(headerLength);
        // qemu-img 7.2 writes the feature-name table only for clusters above 4 KiB (verified 512 B..2 MiB)
        if (clusterSize() > 4096) {
            b.putInt(EXT_FEATURE_TABLE).putInt(FEATURES.length * 48);
            for (String[] f : FEATURES) {
                b.put(Byte.parseByte(f[0])).put(Byte.parseByte(f[1]));
                byte[] name = f[2].getBytes(StandardCharsets.US_ASCII);
                b.put(name).position(b.position() + 46 - name.length);
            }
        }
        b.putInt(EXT_END).putInt(0);
        return b.array();
    }

    /**
     * Decodes the header fields as they sit on disk, validating nothing. Fields a version 2 header does not
     * have read as qemu assumes them (no features, refcount order 4, header length 72). {@code bytes} is
     * read as if zero-padded to 112 bytes, as qemu reads a short file.
     */
    public static Header decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(bytes, Math.max(bytes.length, HEADER_LENGTH_V3)));
        int version = b.getInt(0x04);
        boolean v2 = version == 2;
        int headerLength = v2 ? 72 : b.getInt(0x64);
        int compressionType = !v2 && Integer.compareUnsigned(headerLength, 0x68) > 0 ? b.get(0x68) & 0xff : 0;
        return new Header(version, b.getLong(0x08), b.getInt(0x10), b.getInt(0x14), b.getLong(0x18), b.getInt(0x20),
                b.getInt(0x24), b.getLong(0x28), b.getLong(0x30), b.getInt(0x38), b.getInt(0x3c), b.getLong(0x40),
                v2 ? 0 : b.getLong(0x48), v2 ? 0 : b.getLong(0x50), v2 ? 0 : b.getLong(0x58),
                v2 ? DEFAULT_REFCOUNT_ORDER : b.getInt(0x60), headerLength, compressionType);
    }

    /**
     * Parses and validates a header the way qemu's qcow2_do_open does, refusing what qemu refuses.
     *
     * @param bytes    at least the first {@code min(fileLength, 4096)} bytes of the file
     * @param fileLength the length of the whole file
     * @param file     the name used in error messages
     */
    public static Header parse(byte[] bytes, long fileLength, String file) throws ImageFormatException {
        if (bytes.length < 104) {
            throw new ImageFormatException(file + ": header at offset 0x0: expected at least 104 bytes of "
                    + "qcow2 header, the file has " + fileLength);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt(0);
        if (magic != QCOW_MAGIC) {
            throw new ImageFormatException(file + ": magic at offset 0x0: expected 0x514649fb (QFI\\xfb), got 0x"
                    + Integer.toHexString(magic) + "; the image is not in qcow2 format");
        }
        int version = b.getInt(0x04);
        if (version != 3 && version != 2) {
            throw bad(file, "version", 0x04, "expected 2 or 3, got " + Integer.toUnsignedString(version)
                    + " (unsupported qcow2 version)");
        }
        // a version 2 header ends at 72 bytes: no feature bits, 16-bit refcounts, zlib
        boolean v2 = version == 2;
        int clusterBits = b.getInt(0x14);
        if (clusterBits < MIN_CLUSTER_BITS || clusterBits > MAX_CLUSTER_BITS) {
            throw bad(file, "cluster_bits", 0x14, "expected 9 to 21, got " + Integer.toUnsignedString(clusterBits));
        }
        int clusterSize = 1 << clusterBits;
        int headerLength = v2 ? 72 : b.getInt(0x64);
        if (!v2 && Integer.compareUnsigned(headerLength, 104) < 0) {
            throw bad(file, "header_length", 0x64, "expected at least 104, got " + Integer.toUnsignedString(headerLength));
        }
        if (Integer.compareUnsigned(headerLength, clusterSize) > 0) {
            throw bad(file, "header_length", 0x64, "expected at most the cluster size " + clusterSize + ", got "
                    + Integer.toUnsignedString(headerLength));
        }
        long backingFileOffset = b.getLong(0x08);
        if (Long.compareUnsigned(backingFileOffset, clusterSize) > 0) {
            throw bad(file, "backing_file_offset", 0x08, "expected at most the cluster size " + clusterSize
                    + ", got 0x" + Long.toHexString(backingFileOffset));
        }
        long incompatible = v2 ? 0 : b.getLong(0x48);
        if ((incompatible & ~INCOMPAT_MASK) != 0) {
            throw bad(file, "incompatible_features", 0x48, "expected only known feature bits 0-4, got 0x"
                    + Long.toHexString(incompatible) + " (unsupported qcow2 feature)");
        }
        if ((incompatible & (INCOMPAT_DATA_FILE | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2)) != 0) {
            throw bad(file, "incompatible_features", 0x48, "expected no external data file, compression type or "
                    + "extended L2 bits, got 0x" + Long.toHexString(incompatible) + " (not supported by blockstep)");
        }
        int refcountOrder = v2 ? DEFAULT_REFCOUNT_ORDER : b.getInt(0x60);
        if (Integer.compareUnsigned(refcountOrder, 6) > 0) {
            throw bad(file, "refcount_order", 0x60, "expected 0 to 6, got " + Integer.toUnsignedString(refcountOrder));
        }
        int cryptMethod = b.getInt(0x20);
        if (cryptMethod != 0) {
            throw bad(file, "crypt_method", 0x20, "expected 0 (no encryption), got " + Integer.toUnsignedString(cryptMethod));
        }
        long size = b.getLong(0x18);
        if (size < 0 || size > (1L << 56)) {
            throw bad(file, "size", 0x18, "expected a virtual size up to 64 PiB, got " + Long.toUnsignedString(size));
        }
        int l1Size = b.getInt(0x24);
        long l2Span = (long) clusterSize * (clusterSize / 8);
        long needL1 = (size + l2Span - 1) / l2Span;
        if (Integer.toUnsignedLong(l1Size) > QCOW_MAX_L1_SIZE / 8) {
            throw bad(file, "l1_size", 0x24, "expected at most " + QCOW_MAX_L1_SIZE / 8 + " entries, got "
                    + Integer.toUnsignedString(l1Size) + " (active L1 table too large)");
        }
        if (l1Size < needL1) {
            throw bad(file, "l1_size", 0x24, "expected at least " + needL1 + " entries for a virtual size of "
                    + size + ", got " + l1Size + " (L1 table is too small)");
        }
        long l1TableOffset = b.getLong(0x28);
        checkTable(file, "l1_table_offset", 0x28, l1TableOffset, clusterSize, l1Size > 0);
        long refcountTableOffset = b.getLong(0x30);
        int refcountTableClusters = b.getInt(0x38);
        if (Integer.toUnsignedLong(refcountTableClusters) > QCOW_MAX_REFTABLE_SIZE / clusterSize) {
            throw bad(file, "refcount_table_clusters", 0x38, "expected at most " + QCOW_MAX_REFTABLE_SIZE / clusterSize
                    + ", got " + Integer.toUnsignedString(refcountTableClusters) + " (reference count table too large)");
        }
        if (refcountTableClusters == 0) {
            throw bad(file, "refcount_table_clusters", 0x38, "expected at least 1, got 0");
        }
        checkTable(file, "refcount_table_offset", 0x30, refcountTableOffset, clusterSize, true);
        int nbSnapshots = b.getInt(0x3c);
        long snapshotsOffset = b.getLong(0x40);
        if (nbSnapshots != 0) {
            throw bad(file, "nb_snapshots", 0x3c, "expected 0; internal snapshots are not supported by blockstep, got "
                    + Integer.toUnsignedString(nbSnapshots));
        }
        int compressionType = headerLength > 104 ? bytes[0x68] & 0xff : 0;
        if (compressionType != 0 && (incompatible & INCOMPAT_COMPRESSION) == 0) {
            throw bad(file, "compression_type", 0x68, "expected 0 (zlib) without the compression type feature bit, got "
                    + compressionType);
        }
        return new Header(version, backingFileOffset, b.getInt(0x10), clusterBits, size, cryptMethod, l1Size,
                l1TableOffset, refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatible,
                v2 ? 0 : b.getLong(0x50), v2 ? 0 : b.getLong(0x58), refcountOrder, headerLength, compressionType);
    }

    private static void checkTable(String file, String field, int at, long offset, int clusterSize,
                                   boolean mustExist) throws ImageFormatException {
        if (offset < 0 || (offset & (clusterSize - 1)) != 0) {
            throw bad(file, field, at, "expected a multiple of the cluster size " + clusterSize + ", got 0x"
                    + Long.toHexString(offset));
        }
        if (mustExist && offset == 0) {
            throw bad(file, field, at, "expected a table after the header, got 0");
        }
        // A table past the end of the file is not refused: qemu's file driver reads it as zeros, and so does
        // HostFile, so the open goes on as qemu's does.
    }

    private static ImageFormatException bad(String file, String field, int at, String what) {
        return new ImageFormatException(file + ": header field " + field + " at offset 0x" + Integer.toHexString(at)
                + ": " + what);
    }
}
