package dev.blockstep.engine.qcow2.format;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.EXT_BACKING_FORMAT;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.EXT_END;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A qcow2 image's backing file link as the header stores it: the name exactly as the user gave it
 * (qemu resolves it relative to the image's directory at open) and the format from the backing-format
 * header extension.
 *
 * @param name   the backing file name, stored after the header extensions
 * @param format "qcow2" or "raw", stored in the 0xe2792aca extension
 */
public record BackingFile(String name, String format) {

    /** qemu refuses a backing format name of 16 bytes or more when it reads the extension. */
    private static final int FORMAT_MAX = 16;

    public BackingFile {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a backing file needs a name");
        }
    }

    /** Where qemu looks for this backing file, named by the image at {@code image}: beside it unless absolute. */
    public java.nio.file.Path resolveFrom(java.nio.file.Path image) {
        java.nio.file.Path p = java.nio.file.Path.of(name);
        if (p.isAbsolute()) {
            return p;
        }
        java.nio.file.Path dir = image.getParent();
        return dir == null ? p : dir.resolve(p);
    }

    /**
     * The header cluster qcow2_update_header writes for an image with this backing file: the backing
     * format extension first, then the extensions {@code header} writes by itself, the end marker, and the
     * name right after the end marker (verified with qemu-img 7.2 for 512 B, 4 KiB and 64 KiB clusters).
     *
     * @throws IllegalArgumentException when the extensions and name do not fit in the header cluster
     */
    public byte[] headerCluster(Header header) {
        return headerCluster(header.toClusterBytes(), header.headerLength());
    }

    /**
     * As above, for a header cluster given as bytes whose extensions start at {@code extStart}: a version 2 header's
     * 72 bytes followed by nothing but the end marker get the same layout (verified with qemu-img 7.2, compat=0.10).
     */
    public byte[] headerCluster(byte[] plain, int extStart) {
        int clusterSize = plain.length;
        int extEnd = endOfExtensions(plain, extStart);
        byte[] fmt = format.getBytes(StandardCharsets.US_ASCII);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        int formatExt = 8 + ((fmt.length + 7) & ~7);
        int nameOffset = extEnd + formatExt;
        if (nameOffset + nameBytes.length > clusterSize) {
            throw new IllegalArgumentException("Backing file name too long for the header cluster");
        }
        ByteBuffer b = ByteBuffer.allocate(clusterSize);
        b.put(plain, 0, extStart);
        b.putLong(0x08, nameOffset).putInt(0x10, nameBytes.length);
        b.position(extStart);
        b.putInt(EXT_BACKING_FORMAT).putInt(fmt.length).put(fmt);
        b.position(extStart + formatExt);
        b.put(plain, extStart, extEnd - extStart);
        b.put(nameBytes);
        return b.array();
    }

    /**
     * The backing link of an image whose header names one, or null when it names none (an offset or a
     * length of 0, as qemu reads it). {@code cluster} holds at least the header cluster's first bytes.
     */
    public static BackingFile read(byte[] cluster, Header h, String file) throws ImageFormatException {
        if (h.backingFileOffset() == 0 || h.backingFileSize() == 0) {
            return null;
        }
        long end = h.backingFileOffset() + Integer.toUnsignedLong(h.backingFileSize());
        if (Integer.toUnsignedLong(h.backingFileSize()) > 1023 || end > cluster.length) {
            throw new ImageFormatException(file + ": header field backing_file_size at offset 0x10: expected a name "
                    + "of at most 1023 bytes inside the header cluster, got " + Integer.toUnsignedString(h.backingFileSize())
                    + " bytes at 0x" + Long.toHexString(h.backingFileOffset()));
        }
        int len = 0;
        while (len < h.backingFileSize() && cluster[(int) h.backingFileOffset() + len] != 0) {
            len++;
        }
        if (len == 0) {
            // qemu copies the name as a C string: one that starts with NUL names no backing file at all
            return null;
        }
        String name = new String(cluster, (int) h.backingFileOffset(), len, StandardCharsets.UTF_8);
        return new BackingFile(name, formatExtension(cluster, h, file));
    }

    /** The backing format extension's text, or "" when the image has none (qemu then probes). */
    private static String formatExtension(byte[] cluster, Header h, String file) throws ImageFormatException {
        ByteBuffer b = ByteBuffer.wrap(cluster);
        int offset = h.headerLength();
        long end = h.backingFileOffset();
        while (offset + 8 <= end) {
            int type = b.getInt(offset);
            int len = b.getInt(offset + 4);
            if (type == EXT_END) {
                break;
            }
            if (type == EXT_BACKING_FORMAT) {
                if (len < 0 || len >= FORMAT_MAX || offset + 8 + len > end) {
                    throw new ImageFormatException(file + ": backing format header extension at offset 0x"
                            + Integer.toHexString(offset) + ": expected a format name below " + FORMAT_MAX
                            + " bytes, got length " + Integer.toUnsignedString(len));
                }
                return new String(cluster, offset + 8, len, StandardCharsets.US_ASCII);
            }
            if (len < 0 || len > end) {
                break;
            }
            offset += 8 + ((len + 7) & ~7);
        }
        return "";
    }

    /** The offset just past the end marker of the extensions starting at {@code start}. */
    private static int endOfExtensions(byte[] cluster, int start) {
        ByteBuffer b = ByteBuffer.wrap(cluster);
        int offset = start;
        while (b.getInt(offset) != EXT_END) {
            offset += 8 + ((b.getInt(offset + 4) + 7) & ~7);
        }
        return offset + 8;
    }

    @Override
    public String toString() {
        return name + " (" + format + ")";
    }
}
