package dev.blockstep.engine.convert;

/** qemu-img.c's ImgConvertBlockStatus: what a run of the sources is to the target. */
public enum ConvertStatus {
    /** Read it and write it (or find it zero in the buffer). */
    DATA,
    /** Reads as zero: written as zeroes, or skipped on a target that starts zeroed. */
    ZERO,
    /** Unallocated in the source's top image: left unallocated so the target's backing file shows through. */
    BACKING_FILE
}
