package dev.blockstep.trace.qemuio;

import java.util.OptionalInt;

/**
 * One qemu-io command, as qemu-io 7.2 would parse it. Offsets and lengths are in bytes, already converted
 * from qemu's number syntax ({@link Cvtnum}).
 */
public sealed interface QemuIoCommand {

    /** qemu-io's default pattern byte for writes without -P. */
    int DEFAULT_WRITE_PATTERN = 0xcd;

    /** The command as a qemu-io line, so a parsed script can be printed back and re-parsed. */
    String toLine();

    /** A command on a guest byte range: write, aio_write, read, discard. */
    sealed interface GuestRange extends QemuIoCommand {
        long offset();

        long length();

        /** -q: print no result lines. */
        boolean quiet();
    }

    /** write or aio_write: the same request, issued synchronously or not. */
    sealed interface DataWrite extends GuestRange {
        int pattern();

        boolean zero();

        boolean unmap();
    }

    /**
     * {@code write [-q] [-P pattern | -z [-u]] off len}. With {@code zero}, pattern is meaningless and
     * {@code unmap} means BDRV_REQ_MAY_UNMAP.
     */
    record Write(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet)
            implements DataWrite {
        @Override
        public String toLine() {
            return "write" + (quiet ? " -q" : "") + (zero ? " -z" + (unmap ? " -u" : "")
                    : " -P 0x" + Integer.toHexString(pattern)) + " " + offset + " " + length;
        }
    }

    /** {@code read [-q] [-P pattern] off len}; with a pattern the data is verified. */
    record Read(long offset, long length, OptionalInt pattern, boolean quiet) implements GuestRange {
        @Override
        public String toLine() {
            return "read" + (quiet ? " -q" : "")
                    + (pattern.isPresent() ? " -P 0x" + Integer.toHexString(pattern.getAsInt()) : "")
                    + " " + offset + " " + length;
        }
    }

    /** {@code discard [-q] off len} (synchronous; qemu-io has no aio_discard). */
    record Discard(long offset, long length, boolean quiet) implements GuestRange {
        @Override
        public String toLine() {
            return "discard" + (quiet ? " -q" : "") + " " + offset + " " + length;
        }
    }

    /** {@code flush}: blk_flush. */
    record Flush() implements QemuIoCommand {
        @Override
        public String toLine() {
            return "flush";
        }
    }

    /** {@code aio_write [-q] [-P pattern | -z [-u]] off len}: submitted now, completes later. */
    record AioWrite(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet)
            implements DataWrite {
        @Override
        public String toLine() {
            return "aio_write" + (quiet ? " -q" : "") + (zero ? " -z" + (unmap ? " -u" : "")
                    : " -P 0x" + Integer.toHexString(pattern)) + " " + offset + " " + length;
        }
    }

    /** {@code aio_flush}: waits for every outstanding aio request (blk_drain_all); does not flush the disk. */
    record AioFlush() implements QemuIoCommand {
        @Override
        public String toLine() {
            return "aio_flush";
        }
    }
}
