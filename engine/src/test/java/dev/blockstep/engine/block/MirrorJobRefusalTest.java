package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import org.junit.jupiter.api.Test;

/** An active commit without a base, and mirror parameters qemu would refuse, are refused with one line. */
class MirrorJobRefusalTest {

    @Test
    void anActiveLayerWithoutABackingFileHasNoBase() throws Exception {
        BlockNode n = new BlockNode(FixVariant.NONE);
        n.attach(Qcow2Driver.open(Qcow2Create.create(1 << 20, 65536), "top.qcow2", n.eventSink()));
        ImageFormatException e = assertThrows(ImageFormatException.class,
                () -> new BlockJobSpec.ActiveCommit().start(1, n));
        assertEquals("commit: block-commit: expected a qcow2 backing image under the active layer, got none",
                e.getMessage());
    }

    @Test
    void aGranularityThatIsNotAPowerOfTwoIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BlockJobSpec.Mirror("t.qcow2", 65536, BlockJobSpec.CopyMode.BACKGROUND, 3000, 0));
        assertEquals("blockdev-mirror: granularity 3000: expected 0 or a power of two from 512 to 64M", e.getMessage());
    }

    @Test
    void theDefaultGranularityIsTheTargetClusterSizeClampedTo4kAnd64k() throws Exception {
        for (long[] c : new long[][] {{512, 4096}, {65536, 65536}, {2 << 20, 65536}, {16384, 16384}}) {
            BlockNode n = new BlockNode(FixVariant.NONE);
            n.attach(Qcow2Driver.open(Qcow2Create.create(1 << 20, 65536), "src.qcow2", n.eventSink()));
            MirrorJob j = (MirrorJob) new BlockJobSpec.Mirror("t.qcow2", c[0], BlockJobSpec.CopyMode.BACKGROUND, 0, 0)
                    .start(1, n);
            assertEquals(c[1], j.granularity(), "target cluster size " + c[0]);
        }
    }
}
