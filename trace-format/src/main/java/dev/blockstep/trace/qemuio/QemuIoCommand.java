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

    /** The -q and -C flags as a line prints them. */
    private static String flags(boolean quiet, boolean parsable) {
        return (quiet ? " -q" : "") + (parsable ? " -C" : "");
    }

    /** A command on a guest byte range: write, aio_write, read, discard. */
    sealed interface GuestRange extends QemuIoCommand {
        long offset();

        long length();

        /** -q: print no result lines. */
        boolean quiet();

        /** -C: print_report's machine-parsable line (bytes,ops,time,bytes/sec,ops/sec) instead of its two lines. */
        boolean parsable();
    }

    /** write or aio_write: the same request, issued synchronously or not. */
    sealed interface DataWrite extends GuestRange {
        int pattern();

        /** -z: a zero write (write and aio_write only). */
        default boolean zero() {
            return false;
        }

        /** -u: BDRV_REQ_MAY_UNMAP on a zero write. */
        default boolean unmap() {
            return false;
        }

        /** -n: BDRV_REQ_NO_FALLBACK on a zero write (write only): fail rather than write a buffer of zeros. */
        default boolean noFallback() {
            return false;
        }
    }

    /**
     * {@code write [-q] [-P pattern | -z [-u] [-n]] off len}. With {@code zero}, pattern is meaningless,
     * {@code unmap} means BDRV_REQ_MAY_UNMAP and {@code noFallback} BDRV_REQ_NO_FALLBACK.
     */
    record Write(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet, boolean parsable,
                 boolean noFallback) implements DataWrite {
        public Write(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet) {
            this(offset, length, pattern, zero, unmap, quiet, false);
        }

        public Write(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet,
                     boolean parsable) {
            this(offset, length, pattern, zero, unmap, quiet, parsable, false);
        }

        @Override
        public String toLine() {
            return "write" + flags(quiet, parsable) + (zero ? " -z" + (unmap ? " -u" : "") + (noFallback ? " -n" : "")
                    : " -P 0x" + Integer.toHexString(pattern)) + " " + offset + " " + length;
        }
    }

    /**
     * {@code write -s source_file [-q] off len}: a buffer filled from the file (cyclically when the file is shorter,
     * as qemu_io_alloc_from_file does), read when the command runs. The file's name is one word: qemu-io splits lines
     * at spaces.
     */
    record WriteFromFile(long offset, long length, String sourceFile, boolean quiet, boolean parsable)
            implements GuestRange {
        @Override
        public String toLine() {
            return "write" + flags(quiet, parsable) + " -s " + sourceFile + " " + offset + " " + length;
        }
    }

    /**
     * {@code write -c [-q] [-P pattern] off len}: blk_pwrite_compressed, whole clusters written compressed. The
     * range is sector-aligned (the parser checks it as qemu-io does).
     */
    record WriteCompressed(long offset, long length, int pattern, boolean quiet, boolean parsable)
            implements DataWrite {
        public WriteCompressed(long offset, long length, int pattern, boolean quiet) {
            this(offset, length, pattern, quiet, false);
        }

        @Override
        public String toLine() {
            return "write -c" + flags(quiet, parsable) + " -P 0x" + Integer.toHexString(pattern) + " " + offset + " "
                    + length;
        }
    }

    /**
     * {@code write -b} and {@code read -b}: the VM state area, which qcow2 keeps past the end of the disk
     * (qcow2_vm_state_offset), reached through blk_save_vmstate and blk_load_vmstate without a tracked request.
     * Offsets are relative to the start of that area, and never checked against the disk size.
     */
    sealed interface Vmstate extends QemuIoCommand {
        long offset();

        long length();

        boolean quiet();

        /** -C, as for {@link GuestRange#parsable()}. */
        boolean parsable();
    }

    /** {@code write -b [-q] [-P pattern] off len}: blk_save_vmstate of a buffer filled with the pattern. */
    record SaveVmstate(long offset, long length, int pattern, boolean quiet, boolean parsable) implements Vmstate {
        public SaveVmstate(long offset, long length, int pattern, boolean quiet) {
            this(offset, length, pattern, quiet, false);
        }

        @Override
        public String toLine() {
            return "write -b" + flags(quiet, parsable) + " -P 0x" + Integer.toHexString(pattern) + " " + offset + " "
                    + length;
        }
    }

    /** {@code read -b [-qv] [-P pattern [-s off] [-l len]] off len}: blk_load_vmstate, checked as read checks. */
    record LoadVmstate(long offset, long length, OptionalInt pattern, long checkOffset, long checkLength,
                       boolean quiet, boolean verbose, boolean parsable) implements Vmstate {
        public LoadVmstate(long offset, long length, OptionalInt pattern, long checkOffset, long checkLength,
                           boolean quiet, boolean verbose) {
            this(offset, length, pattern, checkOffset, checkLength, quiet, verbose, false);
        }

        @Override
        public String toLine() {
            return "read -b" + flags(quiet, parsable) + (verbose ? " -v" : "")
                    + (pattern.isPresent() ? " -P 0x" + Integer.toHexString(pattern.getAsInt()) : "")
                    + (checkOffset != 0 || checkLength != length ? " -s " + checkOffset + " -l " + checkLength : "")
                    + " " + offset + " " + length;
        }
    }

    /** read or readv: one guest read, verified against a pattern and dumped on request. */
    sealed interface DataRead extends GuestRange {
        /** The byte the checked part must hold, if any. */
        OptionalInt pattern();

        /** Where the pattern check starts, relative to the request (read -s); readv checks it all. */
        default long checkOffset() {
            return 0;
        }

        /** How many bytes the pattern check covers (read -l). */
        default long checkLength() {
            return length();
        }

        /** -v: hex-dump the data before the report. */
        boolean verbose();

        /** The command as a line, under its name. */
        static String line(String name, DataRead r) {
            return name + flags(r.quiet(), r.parsable()) + (r.verbose() ? " -v" : "")
                    + (r.pattern().isPresent() ? " -P 0x" + Integer.toHexString(r.pattern().getAsInt()) : "")
                    + (r.checkOffset() != 0 || r.checkLength() != r.length()
                    ? " -s " + r.checkOffset() + " -l " + r.checkLength() : "")
                    + " " + r.offset() + " " + r.length();
        }
    }

    /**
     * {@code read [-pqv] [-P pattern [-s off] [-l len]] off len}; with a pattern, bytes [s, s+l) of the data
     * are verified.
     */
    record Read(long offset, long length, OptionalInt pattern, long checkOffset, long checkLength, boolean quiet,
                boolean verbose, boolean parsable) implements DataRead {
        /** A read checked whole (or not at all), without a dump. */
        public Read(long offset, long length, OptionalInt pattern, boolean quiet) {
            this(offset, length, pattern, 0, length, quiet, false, false);
        }

        public Read(long offset, long length, OptionalInt pattern, long checkOffset, long checkLength, boolean quiet,
                    boolean verbose) {
            this(offset, length, pattern, checkOffset, checkLength, quiet, verbose, false);
        }

        @Override
        public String toLine() {
            return DataRead.line("read", this);
        }
    }

    /** {@code readv [-qv] [-P pattern] off len [len..]}: one read of the lengths' sum, named readv. */
    record Readv(long offset, long length, OptionalInt pattern, boolean quiet, boolean verbose, boolean parsable)
            implements DataRead {
        public Readv(long offset, long length, OptionalInt pattern, boolean quiet, boolean verbose) {
            this(offset, length, pattern, quiet, verbose, false);
        }

        @Override
        public String toLine() {
            return DataRead.line("readv", this);
        }
    }

    /**
     * {@code aio_read [-qv] [-P pattern] off len [len..]}: submitted now, its lines printed when it completes.
     */
    record AioRead(long offset, long length, OptionalInt pattern, boolean quiet, boolean verbose, boolean parsable)
            implements DataRead {
        public AioRead(long offset, long length, OptionalInt pattern, boolean quiet, boolean verbose) {
            this(offset, length, pattern, quiet, verbose, false);
        }

        @Override
        public String toLine() {
            return DataRead.line("aio_read", this);
        }
    }

    /** {@code writev [-fq] [-P pattern] off len [len..]}: one write of the lengths' sum, named writev. */
    record Writev(long offset, long length, int pattern, boolean quiet, boolean parsable) implements DataWrite {
        public Writev(long offset, long length, int pattern, boolean quiet) {
            this(offset, length, pattern, quiet, false);
        }

        @Override
        public String toLine() {
            return "writev" + flags(quiet, parsable) + " -P 0x" + Integer.toHexString(pattern) + " " + offset + " "
                    + length;
        }
    }

    /**
     * {@code discard [-Cq] off len} (synchronous; qemu-io has no aio_discard). {@code fua} is not a qemu-io option:
     * it is an NBD TRIM's NBD_CMD_FLAG_FUA from a trace, which qemu-nbd follows with a flush.
     */
    record Discard(long offset, long length, boolean quiet, boolean fua, boolean parsable) implements GuestRange {
        public Discard(long offset, long length, boolean quiet) {
            this(offset, length, quiet, false, false);
        }

        public Discard(long offset, long length, boolean quiet, boolean fua) {
            this(offset, length, quiet, fua, false);
        }

        @Override
        public String toLine() {
            return "discard" + flags(quiet, parsable) + " " + offset + " " + length;
        }
    }

    /**
     * {@code truncate [-m prealloc_mode] off}: blk_truncate to {@code offset} with preallocation {@code prealloc}
     * (off, metadata, falloc or full), exact=false; qemu-io prints nothing when it succeeds.
     */
    record Truncate(long offset, String prealloc) implements QemuIoCommand {
        @Override
        public String toLine() {
            return "truncate" + (prealloc.equals("off") ? "" : " -m " + prealloc) + " " + offset;
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
    record AioWrite(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet,
                    boolean parsable) implements DataWrite {
        public AioWrite(long offset, long length, int pattern, boolean zero, boolean unmap, boolean quiet) {
            this(offset, length, pattern, zero, unmap, quiet, false);
        }

        @Override
        public String toLine() {
            return "aio_write" + flags(quiet, parsable) + (zero ? " -z" + (unmap ? " -u" : "")
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

    /**
     * A command qemu-io answers from the open image without a guest request: {@code length}, {@code map},
     * {@code alloc}, or one that does nothing to the image ({@code sleep}).
     */
    sealed interface Query extends QemuIoCommand {
    }

    /**
     * {@code aio_read -i} or {@code aio_write -i}: qemu-io counts an invalid request in the BlockBackend's
     * statistics (which only QMP shows) and issues nothing; it prints one line and succeeds.
     */
    record InvalidRequest(boolean write) implements Query {
        @Override
        public String toLine() {
            return (write ? "aio_write" : "aio_read") + " -i 0 0";
        }
    }

    /** {@code length}: the disk size, in qemu-io's cvtstr form. */
    record Length() implements Query {
        @Override
        public String toLine() {
            return "length";
        }
    }

    /** {@code map}: runs of allocated and unallocated bytes down the backing chain. */
    record Map() implements Query {
        @Override
        public String toLine() {
            return "map";
        }
    }

    /** {@code alloc offset [count]}: how many of count bytes from offset this layer allocates. */
    record Alloc(long offset, long count) implements Query {
        @Override
        public String toLine() {
            return "alloc " + offset + " " + count;
        }
    }

    /**
     * {@code sleep ms}. blockstep does not wait: its requests run in scheduler steps, not in time, so a
     * pause changes nothing they do.
     */
    record Sleep(long millis) implements Query {
        @Override
        public String toLine() {
            return "sleep " + millis;
        }
    }

    /** {@code info}: the format, cluster size, vm state offset and the format-specific information. */
    record Info() implements Query {
        @Override
        public String toLine() {
            return "info";
        }
    }

    /**
     * {@code help [command]}: every command's one-line summary, or one command's (under the name asked for) with
     * its extended help; {@code command} is empty for the list.
     */
    record Help(String command) implements Query {
        @Override
        public String toLine() {
            return command.isEmpty() ? "help" : "help " + command;
        }
    }

    /**
     * {@code close}: blk_unref on qemu-io's BlockBackend, which drains the requests in flight and closes the
     * image; every later command that needs a file is refused with "no file open".
     */
    record Close() implements QemuIoCommand {
        @Override
        public String toLine() {
            return "close";
        }
    }

    /**
     * {@code open [-rsCnkU] [-t cache] [-d discard] [-o options] [path]} with its options checked. qemu-io opens
     * one file at a time: while the image is open it refuses with "file open already", and blockstep does not
     * open a second image after {@code close}.
     */
    record Open(String arguments, OpenOptions options) implements QemuIoCommand {
        @Override
        public String toLine() {
            return "open " + arguments;
        }
    }

    /**
     * open_f's options: {@code path} (null when none is given), -r, -s (snapshot), -C (copy-on-read), -n (no cache),
     * -k (native aio), -U (force share), the values of -t, -d and -i (null when not given; the last one given wins, as
     * getopt leaves it) and every -o merged (null without one).
     */
    record OpenOptions(String path, boolean readOnly, boolean snapshot, boolean copyOnRead, boolean nocache,
                       boolean nativeAio, boolean forceShare, String cache, String discard, String aio,
                       QemuOpts options) {
    }

    /**
     * {@code reopen [(-r|-w)] [-c cache] [-o options]}: bdrv_reopen drains the requests in flight, then the image is
     * read-only ({@code readOnly} true), writable (false) or as it was (null); {@code options} (null without -o) are
     * checked and applied by whoever runs the command, since what they mean depends on the image.
     */
    record Reopen(Boolean readOnly, String arguments, String cache, QemuOpts options) implements QemuIoCommand {
        public Reopen(Boolean readOnly, String arguments) {
            this(readOnly, arguments, null, null);
        }

        public Reopen(Boolean readOnly, String arguments, String cache) {
            this(readOnly, arguments, cache, null);
        }

        /** -c writethrough or directsync: the BlockBackend's write cache goes off (null: -c not given). */
        public Boolean writethrough() {
            return cache == null ? null : cache.equals("writethrough") || cache.equals("directsync");
        }

        /** -c unsafe sets BDRV_O_NO_FLUSH, any other -c clears it. */
        public boolean noFlush() {
            return "unsafe".equals(cache);
        }

        @Override
        public String toLine() {
            return arguments.isEmpty() ? "reopen" : "reopen " + arguments;
        }
    }

    /** {@code quit}: qemu-io reads no further line; a parser hands it back and the script ends there. */
    record Quit() implements QemuIoCommand {
        @Override
        public String toLine() {
            return "quit";
        }
    }

    /**
     * {@code sigraise N} and {@code abort}: qemu-io raises the signal, and a fatal one ends the process where it
     * stands: the image is not closed, so what qemu's caches held is lost.
     */
    record Exit(int signal) implements QemuIoCommand {
        public static final int SIGKILL = 9;
        public static final int SIGABRT = 6;

        @Override
        public String toLine() {
            return signal == SIGABRT ? "abort" : "sigraise " + signal;
        }
    }
}
