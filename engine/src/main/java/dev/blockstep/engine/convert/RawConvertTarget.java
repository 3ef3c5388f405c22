package dev.blockstep.engine.convert;

import dev.blockstep.engine.image.HostFile;

/**
 * A raw target on file-posix: data lands at its own offset; a zero write with MAY_UNMAP punches a hole, which reads
 * as zeros (blockstep keeps no hole map beyond that).
 */
public final class RawConvertTarget implements ConvertTarget {
    private final HostFile file;

    public RawConvertTarget(HostFile file) {
        this.file = file;
    }

    @Override
    public void write(long offset, byte[] data) {
        file.write(offset, data);
    }

    @Override
    public void writeZeroes(long offset, long bytes) {
        long end = Math.min(offset + bytes, file.length());
        if (end > offset) {
            file.punch(offset, end - offset);
        }
        if (offset + bytes > file.length()) {
            file.writeZeroes(Math.max(offset, file.length()), offset + bytes - Math.max(offset, file.length()));
        }
    }

    @Override
    public void writeCompressed(long offset, byte[] data) throws WriteFailed {
        // img_convert refuses -c for raw before it copies anything
        throw new WriteFailed("Operation not supported");
    }

    public HostFile file() {
        return file;
    }
}
