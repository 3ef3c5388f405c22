package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;

import org.junit.jupiter.api.Test;

/**
 * What the fix (BDRV_REQ_SERIALISING at bdrv_co_pwritev_part and bdrv_co_pdiscard entry) does on detect-zeroes, on
 * a -drive with discard=unmap,detect-zeroes=unmap under HMP qemu-io. The conversion to a zero write with MAY_UNMAP
 * happens in bdrv_aligned_pwritev after bdrv_co_write_req_prepare decided about serialising, so the fix sees a
 * plain data write and does not serialise it: every interleaving is explored, and corrupting ones remain with the
 * fix on. The same race written as an explicit {@code aio_write -z -u} is closed by the fix.
 */
class DetectZeroesFixTest {

    private static final String SETUP = "write -P 0x11 0 64k\nwrite -z 0 64k\n";

    private static ExploreSetup onDrive(String race, boolean fix) {
        return onDrive(race, FixVariant.of(fix));
    }

    private static ExploreSetup onDrive(String race, FixVariant fix) {
        ExploreSetup s = Qcow2Scenarios.setup(SETUP, race, fix.gatesAnything());
        BlockStack drive = new BlockStack(new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0"),
                new NodeOptions(NodeOptions.Discard.UNMAP, NodeOptions.DetectZeroes.UNMAP, null));
        return new ExploreSetup(s.name(), s.image(), s.commands(), s.producers(), fix, drive);
    }

    @Test
    void theFixDoesNotCloseTheRaceThroughDetectZeroes() {
        String viaDetectZeroes = "aio_write -P 0x22 0 64k\naio_write -P 0 0 64k\naio_flush\n";
        assertTrue(Qcow2Scenarios.explore(onDrive(viaDetectZeroes, false), true).badEndStates() > 0,
                "without the fix the converted write frees the cluster the data write relinks");
        assertTrue(Qcow2Scenarios.explore(onDrive(viaDetectZeroes, true), true).badEndStates() > 0,
                "the fix decides before the conversion, so it cannot serialise the converted write");
    }

    @Test
    void theFixClosesTheSameRaceWrittenAsAZeroWrite() {
        String explicit = "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n";
        assertTrue(Qcow2Scenarios.explore(onDrive(explicit, false), true).badEndStates() > 0);
        assertEquals(0, Qcow2Scenarios.explore(onDrive(explicit, true), true).badEndStates());
    }

    /**
     * The variant that also gates bdrv_aligned_pwritev after the conversion marks the converted write serialising
     * and makes it wait for the data write it overlaps: no interleaving corrupts. Marking alone is not enough; the
     * wait is what keeps the zero write out of the data write's lock drop.
     */
    @Test
    void gatingAfterTheConversionClosesTheRaceThroughDetectZeroes() {
        String viaDetectZeroes = "aio_write -P 0x22 0 64k\naio_write -P 0 0 64k\naio_flush\n";
        assertEquals(0, Qcow2Scenarios.explore(onDrive(viaDetectZeroes, FixVariant.PATCH_POST_DETECT_ZEROES), true)
                .badEndStates());
    }
}
