package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.image.HostFile;

/**
 * A backing image opened read-only under a qcow2 image: what the top image reads where its own clusters
 * are unallocated. The host file is a private copy that nothing writes, so the user's file never changes.
 */
public sealed interface BackingImage {

    /** The virtual size in bytes; reads past it return zeroes, as qemu's block layer does for a short backing. */
    long size();

    /** The guest view of [offset, offset+len), zeroes past {@link #size()}. */
    void read(long offset, byte[] dst, int dstOff, int len);

    /** Whether [offset, offset+len) reads as zeroes by block status (BDRV_BLOCK_ZERO), down the chain. */
    boolean blockStatusZero(long offset, long len);

    /** Whether this image or one below it allocates part of [offset, offset+len) (bdrv_is_allocated_above). */
    boolean allocated(long offset, long len);

    /** A raw backing file: the bytes of the file, its length rounded up to 512 bytes as bdrv_getlength does. */
    record Raw(HostFile file) implements BackingImage {
        @Override
        public long size() {
            return (file.length() + 511) / 512 * 512;
        }

        @Override
        public void read(long offset, byte[] dst, int dstOff, int len) {
            java.util.Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
            long end = Math.min(offset + len, file.length());
            if (end > offset) {
                file.read(offset, dst, dstOff, (int) (end - offset));
            }
        }

        @Override
        public boolean blockStatusZero(long offset, long len) {
            // file-posix answers from the file's hole map (SEEK_DATA); blockstep's copy of the file keeps the
            // all-zero 4 KiB pages it loaded as holes, which stands in for that map
            long inFile = Math.max(0, Math.min(len, file.length() - offset));
            return offset >= size() || inFile == 0 || file.storedPages(offset, inFile).length == 0;
        }

        @Override
        public boolean allocated(long offset, long len) {
            return offset < size();
        }
    }

    /** A qcow2 backing image (which may have a backing image of its own). */
    record Qcow2(Qcow2Driver driver) implements BackingImage {
        @Override
        public long size() {
            return driver.size();
        }

        @Override
        public void read(long offset, byte[] dst, int dstOff, int len) {
            int inside = (int) Math.max(0, Math.min(len, size() - offset));
            java.util.Arrays.fill(dst, dstOff + inside, dstOff + len, (byte) 0);
            if (inside > 0) {
                driver.readView(offset, dst, dstOff, inside);
            }
        }

        @Override
        public boolean blockStatusZero(long offset, long len) {
            return offset >= size() || driver.readsAsZero(offset, Math.min(len, size() - offset));
        }

        @Override
        public boolean allocated(long offset, long len) {
            return offset < size() && driver.allocatedInChain(offset, Math.min(len, size() - offset));
        }
    }
}
