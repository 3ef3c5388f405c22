package dev.blockstep.engine.convert;

/** The target of a convert: the three writes convert_co_write makes, each complete when the call returns. */
public interface ConvertTarget {
    /** blk_co_pwrite of {@code data} at {@code offset}. */
    void write(long offset, byte[] data) throws WriteFailed;

    /** blk_co_pwrite_zeroes with BDRV_REQ_MAY_UNMAP. */
    void writeZeroes(long offset, long bytes) throws WriteFailed;

    /** blk_co_pwrite with BDRV_REQ_WRITE_COMPRESSED; a zero-length one aligns the end of the file. */
    void writeCompressed(long offset, byte[] data) throws WriteFailed;

    /** A write the target's driver failed, with the errno text qemu prints (strerror). */
    final class WriteFailed extends Exception {
        public WriteFailed(String strerror) {
            super(strerror);
        }
    }
}
