package dev.blockstep.engine.block;

import dev.blockstep.engine.qcow2.format.FormatSpecificInfo;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoHelp;
import java.util.ArrayList;
import java.util.List;

/**
 * qemu-io's commands that ask the open image instead of issuing a request: {@code length}, {@code alloc},
 * {@code map} (and {@code sleep}, which prints nothing). Their stdout lines, in qemu-io 7.2's wording.
 *
 * <p>In qemu, alloc and map run qcow2_co_block_status, which takes s->lock for each lookup; here they read the
 * tables in one step of qemu-io's loop, so an allocating request in flight is seen either linked or not.
 */
final class QemuIoQueries {
    private QemuIoQueries() {
    }

    /** What a query printed on stdout and on stderr, and whether qemu-io counts it as failed. */
    record Answer(List<String> lines, boolean failed, List<String> errors) {
        Answer(List<String> lines, boolean failed) {
            this(lines, failed, List.of());
        }

        static Answer ok(List<String> lines) {
            return new Answer(lines, false);
        }
    }

    /** The lines qemu-io prints for {@code q}; {@code co} is qemu-io's coroutine, which reads the tables. */
    static Answer answer(Qcow2Driver d, int co, QemuIoCommand.Query q) {
        if (d.detached()) {
            // after a corruption bs->drv is gone: blk_getlength and block status fail with ENOMEDIUM
            if (q instanceof QemuIoCommand.Length) {
                return new Answer(List.of("getlength: No medium found"), true);
            }
            if (q instanceof QemuIoCommand.Alloc) {
                return new Answer(List.of("is_allocated failed: No medium found"), true);
            }
            if (q instanceof QemuIoCommand.Map) {
                return new Answer(List.of(), true, List.of("qemu-io: Failed to query image length: No medium found"));
            }
        }
        if (q instanceof QemuIoCommand.Length) {
            return Answer.ok(List.of(QemuIoReport.cvtstr(d.size())));
        }
        if (q instanceof QemuIoCommand.Alloc a) {
            return Answer.ok(List.of(alloc(d, co, a.offset(), a.count())));
        }
        if (q instanceof QemuIoCommand.Map) {
            return Answer.ok(map(d, co));
        }
        if (q instanceof QemuIoCommand.Info) {
            return info(d);
        }
        if (q instanceof QemuIoCommand.Help h) {
            if (h.command().isEmpty()) {
                return Answer.ok(QemuIoHelp.all());
            }
            return QemuIoHelp.one(h.command()).map(Answer::ok)
                    .orElseGet(() -> new Answer(List.of("command " + h.command() + " not found"), true));
        }
        if (q instanceof QemuIoCommand.InvalidRequest i) {
            return Answer.ok(List.of("injecting invalid " + (i.write() ? "write" : "read") + " request"));
        }
        return Answer.ok(List.of());
    }

    /**
     * info_f: the format name, bdrv_get_info's cluster size and vm state offset, then the format-specific lines.
     * A driver detached after a corruption has no format and bdrv_get_info fails with no line of its own.
     */
    private static Answer info(Qcow2Driver d) {
        if (d.detached()) {
            return new Answer(List.of(), true);
        }
        Header h = d.header();
        List<String> out = new ArrayList<>();
        out.add("format name: qcow2");
        out.add("cluster size: " + QemuIoReport.cvtstr(h.clusterSize()));
        out.add("vm state offset: " + QemuIoReport.cvtstr(FormatSpecificInfo.vmStateOffset(h)));
        out.add("Format specific information:");
        out.addAll(FormatSpecificInfo.of(h, false).humanLines());
        return Answer.ok(out);
    }

    /**
     * alloc_f: bdrv_is_allocated of this layer only, summed over the range; a range reaching past the end
     * counts only up to it (bdrv_is_allocated answers 0 bytes there).
     */
    private static String alloc(Qcow2Driver d, int co, long offset, long count) {
        long end = Math.min(offset + count, Math.max(offset, d.size()));
        long allocated = 0;
        for (long off = offset; off < end; ) {
            long n = Math.min(end, clusterEnd(d, off)) - off;
            if (d.clusters().map(co, off).type() != ClusterType.UNALLOCATED) {
                allocated += n;
            }
            off += n;
        }
        return allocated + "/" + (end - offset) + " bytes allocated at offset " + QemuIoReport.cvtstr(offset);
    }

    /**
     * map_f: runs of equal bdrv_is_allocated status, merged, from 0 to the size. Like alloc it asks this layer
     * only, not the backing chain (measured against qemu-io 7.2 on a chain).
     */
    private static List<String> map(Qcow2Driver d, int co) {
        List<String> out = new ArrayList<>();
        long size = d.size();
        long runStart = 0;
        boolean runAllocated = false;
        for (long off = 0; off < size; ) {
            // ranges without an L2 table are unallocated: skipped whole, so a huge empty disk maps quickly
            long next = d.clusters().nextWithL2Table(off);
            boolean allocated = next == off && d.clusters().map(co, off).type() != ClusterType.UNALLOCATED;
            if (allocated != runAllocated && off > runStart) {
                out.add(line(runStart, off - runStart, runAllocated));
                runStart = off;
            }
            runAllocated = allocated;
            off = next > off ? next : Math.min(size, clusterEnd(d, off));
        }
        if (size > runStart) {
            out.add(line(runStart, size - runStart, runAllocated));
        }
        return out;
    }

    private static long clusterEnd(Qcow2Driver d, long off) {
        return (off / d.clusterSize() + 1) * d.clusterSize();
    }

    private static String line(long offset, long bytes, boolean allocated) {
        return QemuIoReport.cvtstr(bytes) + " (0x" + Long.toHexString(bytes) + ") bytes "
                + (allocated ? "    allocated" : "not allocated") + " at offset " + QemuIoReport.cvtstr(offset)
                + " (0x" + Long.toHexString(offset) + ")";
    }
}
