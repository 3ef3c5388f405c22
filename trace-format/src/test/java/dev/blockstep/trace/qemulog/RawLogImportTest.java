package dev.blockstep.trace.qemulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.importer.ImportException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Logs as qemu-nbd and qemu-system write them: timestamp prefixes, other event families, qemu-io's output merged
 * in, several qcow2 nodes. Built from the real qemu-io capture r1 by adding what those producers add.
 */
class RawLogImportTest {

    static final String QCOW2 = "0x55d131c3dbb0";

    static Trace plain() throws Exception {
        return QemuLogImporter.importLog(QemuLogImporterTest.resource("r1.log"), "r1.log", QemuLogImporterTest.IMAGE,
                null, null);
    }

    static Trace imported(String text, QemuLogImporter.Options options) throws Exception {
        return QemuLogImporter.importLog(text, "raw.log", QemuLogImporterTest.IMAGE, null, null, options);
    }

    static String r1() throws Exception {
        return QemuLogImporterTest.resource("r1.log");
    }

    @Test
    void timestampPrefixesAreReadAsQemuWritesThem() throws Exception {
        String stamped = Arrays.stream(r1().split("\n"))
                .map(l -> l.isBlank() ? l : "4242@1796033497.768589:" + l).collect(Collectors.joining("\n"));
        Trace t = imported(stamped, QemuLogImporter.Options.NONE);
        assertEquals(plain().workload(), t.workload());
        assertEquals(plain().qemuLog().events(), t.qemuLog().events());
    }

    @Test
    void otherFamiliesAndQemuIoOutputAreCountedInOneLineAndChangeNothing() throws Exception {
        StringBuilder b = new StringBuilder("nbd_trip Reading request\n");
        for (String l : r1().split("\n")) {
            b.append(l).append('\n');
            if (l.startsWith("bdrv_co_pwritev_part bs " + QCOW2)) {
                b.append("blk_co_pwritev blk 0x1 bs ").append(QCOW2).append(" offset 0 bytes 65536 flags 0x10\n")
                        .append("virtio_blk_req_complete vdev 0x1 req 0x2 status 0\n");
            }
        }
        b.append("wrote 65536/65536 bytes at offset 0\n64 KiB, 1 ops; 00.02 sec (3.748 MiB/sec and 59.9669 ops/sec)\n");
        Trace t = imported(b.toString(), QemuLogImporter.Options.NONE);
        Trace p = plain();
        assertEquals(p.workload(), t.workload());
        assertEquals(p.qemuLog().events().size(), t.qemuLog().events().size());
        long used = p.qemuLog().events().size();
        assertEquals("raw.log: used " + used + " of " + (used + 7) + " lines; skipped 2 blk_*, 1 nbd_*, 2 virtio_*, "
                + "2 lines of qemu-io output", QemuLogImporter.summary(t));
        assertEquals(WorkloadProducer.Tool.QEMU_IO, t.producer().tool());
        assertTrue(t.metadata().description().startsWith("Data patterns are not in the log"),
                t.metadata().description());
    }

    /** r1 followed by one write on a second qcow2 node (another address, same shape). */
    static String twoNodes() throws Exception {
        return r1() + "bdrv_co_pwritev_part bs 0xdead0 offset 0 bytes 512 flags 0x0\n"
                + "qcow2_writev_start_req co 0xbeef0 offset 0x0 bytes 512\n";
    }

    @Test
    void aLogWithTwoQcow2NodesIsRefusedWithTheCandidates() {
        ImportException e = assertThrows(ImportException.class,
                () -> imported(twoNodes(), QemuLogImporter.Options.NONE));
        assertEquals("raw.log:1: expected one qcow2 node with write traffic, found 2: " + QCOW2 + " (2 writes), "
                + "0xdead0 (1 write); pick one with --node=ADDRESS", e.getMessage());
    }

    @Test
    void nodePicksOneOfTheCandidates() throws Exception {
        Trace t = imported(twoNodes(), new QemuLogImporter.Options(QCOW2, null, null));
        assertEquals(plain().workload(), t.workload());
        assertEquals(QCOW2, t.qemuLog().symbols().get("qcow2"));
        ImportException e = assertThrows(ImportException.class,
                () -> imported(twoNodes(), new QemuLogImporter.Options("0x99", null, null)));
        assertEquals("raw.log:1: expected --node to name a qcow2 node with write traffic in the log, got 0x99 "
                + "(candidates: " + QCOW2 + " (2 writes), 0xdead0 (1 write))", e.getMessage());
    }

    @Test
    void statedProducerAndNodeOptionsGoIntoTheTrace() throws Exception {
        WorkloadProducer hmp = new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0");
        NodeOptions opts = new NodeOptions(NodeOptions.Discard.UNMAP, NodeOptions.DetectZeroes.UNMAP, null);
        Trace t = imported(r1(), new QemuLogImporter.Options(null, hmp, opts));
        assertEquals(hmp, t.producer());
        assertEquals(opts, t.node());
        assertNull(plain().producer());
    }

    @Test
    void aLogWithoutAnyEventTheImporterReadsIsOneLineAtLineOne() {
        ImportException e = assertThrows(ImportException.class,
                () -> imported("nbd_trip Reading request\nblk_co_pwritev blk 0x1 bs 0x2 offset 0 bytes 1 flags 0x0\n",
                        QemuLogImporter.Options.NONE));
        assertEquals("raw.log:1: expected qcow2_*, qemu_co_mutex*, bdrv_co_* or thread_pool_* events of qemu 7.2 "
                + "among the 2 lines, found none (capture with -T 'qcow2_*' -T 'qemu_co_mutex*' -T 'bdrv_co_*' "
                + "-T 'thread_pool_*')", e.getMessage());
    }

    @Test
    void anUnrelatedFileIsOneLineNamingTheFirstLineThatIsNotALogLine() {
        ImportException e = assertThrows(ImportException.class,
                () -> imported("Nov 30 10:00:01 host kernel: eth0 up\n", QemuLogImporter.Options.NONE));
        assertEquals("raw.log:1: expected \"<trace event> <args>\" or a qemu stderr message, got \"Nov 30 10:00:01 "
                + "host kernel: eth0 up\"", e.getMessage());
    }

    @Test
    void aTruncatedLastLineIsAnErrorNamingIt() {
        String text = "4242@1796033497.768589:qemu_co_mutex_lock_uncontended mutex 0x55d131c4a700 self 0x55d131c4a8d0\n"
                + "4242@1796033497.768590:bdrv_co_preadv_part bs 0x55d131c44ef0 offset 0 by";
        ImportException e = assertThrows(ImportException.class, () -> imported(text, QemuLogImporter.Options.NONE));
        assertEquals("raw.log:2: expected bdrv_co_preadv_part bs <v> offset <v> bytes <v> flags <v>, got "
                + "\"bdrv_co_preadv_part bs 0x55d131c44ef0 offset 0 by\"", e.getMessage());
    }
}
