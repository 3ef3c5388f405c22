package dev.blockstep.engine.check;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.*;

import dev.blockstep.engine.qcow2.format.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The header extensions after the header, walked and validated as qcow2_read_extensions does at open:
 * each is a be32 type, a be32 length and the data padded to 8 bytes, up to the backing file name or the
 * end of the first cluster.
 */
record HeaderExtensions(List<Integer> types) {

    private static final int BACKING_FORMAT_MAX = 16;
    private static final int CRYPTO_HEADER_BYTES = 16;
    private static final int BITMAPS_HEADER_BYTES = 24;

    boolean has(int type) {
        return types.contains(type);
    }

    static HeaderExtensions read(ImageBytes bytes, Header h, long clusterSize, String file) throws CheckException {
        long end = h.backingFileOffset() != 0 ? h.backingFileOffset() : clusterSize;
        long offset = h.version() == 2 ? 72 : Integer.toUnsignedLong(h.headerLength());
        ByteBuffer area = ByteBuffer.wrap(bytes.read(0, (int) end + 8));
        List<Integer> types = new ArrayList<>();
        while (offset < end) {
            int type = area.getInt((int) offset);
            long len = Integer.toUnsignedLong(area.getInt((int) offset + 4));
            offset += 8;
            if (offset > end || len > end - offset) {
                throw CheckException.openFailed(file, "Header extension too large");
            }
            if (type == EXT_END) {
                break;
            }
            if (type == EXT_BACKING_FORMAT && len >= BACKING_FORMAT_MAX) {
                throw CheckException.openFailed(file, "ERROR: ext_backing_format: len=" + len + " too large (>="
                        + BACKING_FORMAT_MAX + ")");
            }
            if (type == EXT_CRYPTO_HEADER) {
                if (h.cryptMethod() != 2) {
                    throw CheckException.openFailed(file, "CRYPTO header extension only expected with LUKS encryption method");
                }
                if (len != CRYPTO_HEADER_BYTES) {
                    throw CheckException.openFailed(file, "CRYPTO header extension size " + len + ", but expected size "
                            + CRYPTO_HEADER_BYTES);
                }
            }
            if (type == EXT_BITMAPS && len != BITMAPS_HEADER_BYTES) {
                throw CheckException.openFailed(file, "bitmaps_ext: Invalid extension length");
            }
            types.add(type);
            offset += (len + 7) & ~7L;
        }
        return new HeaderExtensions(List.copyOf(types));
    }
}
