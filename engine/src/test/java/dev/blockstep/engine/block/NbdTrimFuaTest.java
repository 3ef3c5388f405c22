package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qemu-nbd 7.2's TRIM: blk_co_pdiscard, then, when the client set NBD_CMD_FLAG_FUA, blk_co_flush in the same
 * coroutine before the reply, also when --discard=ignore made the discard a no-op. Without FUA there is no flush.
 */
class NbdTrimFuaTest {

    private static List<String> steps(boolean unmap, boolean fua) throws Exception {
        BlockNode node = new BlockNode(false, unmap, DetectZeroes.OFF);
        node.attach(Qcow2Driver.open(Images.zeroAllocAtZero(), "img", node.eventSink()));
        Scheduler s = new Scheduler(Policies.fifo());
        NbdServer server = new NbdServer(new BlockBackend(node, false));
        s.spawn(server.handle(s.nextId(), "trim", new NbdServer.NbdRequest(NbdServer.Type.TRIM, 0, Images.CS, fua,
                false), 0));
        List<String> names = new ArrayList<>();
        for (Step st = s.step(); st != null; st = s.step()) {
            names.add(st.name());
        }
        return names;
    }

    @ParameterizedTest(name = "unmap={0} fua={1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void aTrimWithFuaFlushesAfterItsDiscard(boolean unmap, boolean fua) throws Exception {
        List<String> names = steps(unmap, fua);
        int flush = names.indexOf("qcow2_co_flush_to_os");
        assertEquals(fua, flush >= 0, names.toString());
        if (fua) {
            int discardEnd = unmap ? names.indexOf("tracked_request_end") : names.indexOf("bdrv_co_pdiscard");
            assertTrue(discardEnd >= 0 && discardEnd < flush, "the flush follows the discard: " + names);
        }
        if (unmap) {
            assertTrue(names.contains("qcow2_cluster_discard"), names.toString());
        }
    }
}
