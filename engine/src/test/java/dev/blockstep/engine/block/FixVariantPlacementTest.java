package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each variant's gate acts in its own function, on the flags that function sees, and nowhere else: a BlockBackend
 * zero write never meets the wrapper's gate, an internal caller's does; unmap-only leaves a zero write without
 * MAY_UNMAP alone; only patch+post-detect-zeroes serialises a write detect-zeroes converted. Each test looks at
 * whether the request became serialising, the one thing a gate changes.
 */
class FixVariantPlacementTest {
    private static final long CS = Images.CS;

    /** Runs {@code make}'s request alone on a node under {@code v} until it has begun; is it serialising? */
    private static boolean serialising(FixVariant v, boolean unmapNode, DetectZeroes dz,
                                       Function<BlockNode, RequestCoroutine> make) throws Exception {
        BlockNode node = new BlockNode(v, unmapNode, dz);
        node.attach(Qcow2Driver.open(Images.zeroAllocAtZero(), "img", node.eventSink()));
        Scheduler s = new Scheduler(Policies.fifo());
        RequestCoroutine r = s.spawn(make.apply(node));
        while (s.step() != null && !r.serialising() && r.result().isEmpty()) {
            // step until a gate has acted or the request is done
        }
        return r.serialising();
    }

    private static boolean blockBackendZeroWrite(FixVariant v, boolean mayUnmap) throws Exception {
        return serialising(v, true, DetectZeroes.OFF, n -> new BlockBackend(n, false).pwriteZeroes(0, "z", 0, CS,
                mayUnmap ? RequestFlags.of(RequestFlags.MAY_UNMAP) : RequestFlags.NONE));
    }

    private static boolean wrapperZeroWrite(FixVariant v) throws Exception {
        return serialising(v, true, DetectZeroes.OFF, n -> ZeroWriteRequest.viaPwriteZeroes(0, "Z0", n, "z", 0, CS,
                RequestFlags.of(RequestFlags.MAY_UNMAP)));
    }

    private static boolean detectedZeroWrite(FixVariant v) throws Exception {
        return serialising(v, true, DetectZeroes.UNMAP, n -> new BlockBackend(n, false).pwritev(0, "w", 0, (int) CS,
                0, RequestFlags.NONE));
    }

    @Test
    void theWrapperGateNeverSeesABlockBackendZeroWriteButSeesAnInternalCallersOne() throws Exception {
        assertFalse(blockBackendZeroWrite(FixVariant.WRAPPER, true));
        assertTrue(wrapperZeroWrite(FixVariant.WRAPPER));
        // the series' gate sits below the wrapper, so it sees both
        assertTrue(blockBackendZeroWrite(FixVariant.PATCH, true));
        assertTrue(wrapperZeroWrite(FixVariant.PATCH));
        assertFalse(wrapperZeroWrite(FixVariant.NONE));
    }

    @Test
    void theWrapperDropsMayUnmapOnANodeWithoutDiscardUnmapAndABlockBackendZeroWriteKeepsIt() throws Exception {
        BlockNode ignore = new BlockNode(FixVariant.NONE, false, DetectZeroes.OFF);
        RequestFlags unmap = RequestFlags.of(RequestFlags.MAY_UNMAP);
        assertFalse(ZeroWriteRequest.viaPwriteZeroes(1, "Z1", ignore, "z", 0, CS, unmap).flags()
                .has(RequestFlags.MAY_UNMAP));
        assertTrue(new BlockBackend(ignore, false).pwriteZeroes(1, "z", 0, CS, unmap).flags()
                .has(RequestFlags.MAY_UNMAP));
    }

    @Test
    void unmapOnlyGatesAZeroWriteWithMayUnmapAndLeavesAPlainOneAlone() throws Exception {
        assertTrue(blockBackendZeroWrite(FixVariant.UNMAP_ONLY, true));
        assertFalse(blockBackendZeroWrite(FixVariant.UNMAP_ONLY, false));
        assertTrue(blockBackendZeroWrite(FixVariant.PATCH, false));
    }

    @Test
    void onlyPatchPostDetectZeroesSerialisesAWriteDetectZeroesConverted() throws Exception {
        assertTrue(detectedZeroWrite(FixVariant.PATCH_POST_DETECT_ZEROES));
        assertFalse(detectedZeroWrite(FixVariant.PATCH));
        assertFalse(detectedZeroWrite(FixVariant.NONE));
        // a data write of non-zero bytes is never converted, so never serialised
        assertFalse(serialising(FixVariant.PATCH_POST_DETECT_ZEROES, true, DetectZeroes.UNMAP,
                n -> new BlockBackend(n, false).pwritev(0, "w", 0, (int) CS, 0x22, RequestFlags.NONE)));
    }

    @Test
    void everyGatingVariantSerialisesADiscardAndNoneDoesNot() throws Exception {
        for (FixVariant v : FixVariant.all()) {
            assertEquals(v != FixVariant.NONE, serialising(v, true, DetectZeroes.OFF,
                    n -> new BlockBackend(n, false).pdiscard(0, "d", 0, CS)), v.id());
        }
    }

    @Test
    void aVariantChosenBetweenStepsAppliesToRequestsThatBeginAfterIt() {
        Engine e = new Engine(new Workload(Images.fresh16M(), "img", List.of(
                new QemuIoCommand.AioWrite(0, CS, 0, true, false, false),
                new QemuIoCommand.AioWrite(CS, CS, 0, true, false, false), new QemuIoCommand.AioFlush()),
                FixVariant.PATCH, Policies::fifo));
        e.step(); // qemu-io submits Z1
        e.step(); // Z1 begins under patch
        e.node().setFix(FixVariant.UNMAP_ONLY);
        while (e.scheduler().coroutines().size() < 3 || ((ZeroWriteRequest) e.scheduler().coroutine(2)).tracked() == null) {
            e.step();
        }
        assertTrue(((ZeroWriteRequest) e.scheduler().coroutine(1)).serialising(), "began under patch");
        assertFalse(((ZeroWriteRequest) e.scheduler().coroutine(2)).serialising(), "began under unmap-only, no MAY_UNMAP");
    }
}
