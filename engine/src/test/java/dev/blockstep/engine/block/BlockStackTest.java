package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.WorkloadProducer.Tool;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flags each producer's stack gives a request when it enters bdrv_co_pwritev_part, as qemu 7.2's trace events
 * print them: {@code bdrv_co_pwritev_part ... flags 0x16} for qemu-io's {@code aio_write -z -u} and for the NBD
 * WRITE_ZEROES a qemu-io client sends (real-qemu-findings.md), {@code flags 0x0} for HMP qemu-io's data writes on a
 * default -drive (capture hmp-detect-zeroes-a, trace.log line 39).
 */
class BlockStackTest {

    private static final String SCRIPT = "aio_write -P 0x22 0 64k\naio_write -z -u 64k 64k\naio_write -z 128k 64k\n"
            + "aio_flush\n";

    /** The entry flags of every request the workload ran, in command order. */
    private static List<String> flags(BlockStack stack, String script) throws Exception {
        Engine e = new Engine(new Workload(Images.fresh16M(), "img", QemuIoParser.parseScript(script, "t"), FixVariant.NONE,
                Policies::fifo, stack));
        e.runToEnd();
        List<String> out = new ArrayList<>();
        for (Coroutine c : e.scheduler().coroutines()) {
            if (c instanceof RequestCoroutine r) {
                out.add(r.name() + " " + r.flags().hex());
            }
        }
        return out;
    }

    @Test
    void qemuIoIsWritethroughSoEveryWriteCarriesFua() throws Exception {
        assertEquals(List.of("W1 0x10", "Z2 0x16", "Z3 0x12"), flags(BlockStack.QEMU_IO, SCRIPT));
    }

    @Test
    void hmpQemuIoOnADefaultDriveIsWritebackAndKeepsMayUnmap() throws Exception {
        BlockStack drive = new BlockStack(new WorkloadProducer(Tool.HMP_QEMU_IO, 1, "d0"), null);
        // discard=ignore (the default) does not strip MAY_UNMAP: the BlockBackend bypasses bdrv_co_pwrite_zeroes
        assertEquals(List.of("W1 0x0", "Z2 0x6", "Z3 0x2"), flags(drive, SCRIPT));
    }

    @Test
    void theNbdServerMapsNoHoleToNoMayUnmapAndPassesTheClientsFua() throws Exception {
        BlockStack nbd = new BlockStack(new WorkloadProducer(Tool.QEMU_NBD, 1, null), null);
        assertEquals(List.of("W1 0x10", "Z2 0x16", "Z3 0x12"), flags(nbd, SCRIPT));
        assertEquals(new NbdServer.NbdRequest(NbdServer.Type.WRITE_ZEROES, 131072, 65536, true, true),
                NbdServer.fromClient(QemuIoParser.parseScript("aio_write -z 128k 64k\n", "t").get(0)));
    }

    @Test
    void aDiscardOnANodeWithoutUnmapReturnsAtOnce() throws Exception {
        String script = "write -P 0x11 0 64k\ndiscard 0 64k\nread -P 0x11 0 64k\n";
        BlockStack ignore = new BlockStack(new WorkloadProducer(Tool.QEMU_NBD, 1, null), null);
        Engine e = new Engine(new Workload(Images.fresh16M(), "img", QemuIoParser.parseScript(script, "t"), FixVariant.NONE,
                Policies::fifo, ignore));
        e.runToEnd();
        assertEquals(List.of("wrote 65536/65536 bytes at offset 0", "discard 65536/65536 bytes at offset 0",
                "read 65536/65536 bytes at offset 0"), e.node().stdoutLines());
    }

    @Test
    void detectZeroesUnmapWithoutDiscardUnmapIsRefusedAsQemuRefusesIt() {
        assertThrows(IllegalArgumentException.class, () -> new BlockStack(null,
                new NodeOptions(NodeOptions.Discard.IGNORE, NodeOptions.DetectZeroes.UNMAP, null)));
    }
}
