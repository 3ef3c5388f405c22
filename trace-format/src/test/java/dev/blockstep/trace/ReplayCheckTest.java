package dev.blockstep.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayCheckTest {

    @Test
    void theSameRunnableSetInAnotherOrderMatches() {
        assertNull(ReplayCheck.divergence(3, ScheduleEntry.of("z1", "w0", "z1"), List.of("z1", "w0")));
    }

    @Test
    void aDifferentRunnableSetNamesTheStepAndBothSets() {
        assertEquals("step 3: the engine can run [w0], the trace recorded [w0, z1] (and chose z1)",
                ReplayCheck.divergence(3, ScheduleEntry.of("z1", "w0", "z1"), List.of("w0")));
    }

    @Test
    void anEndedScheduleWhileTheEngineCanStillRunIsADivergence() {
        assertEquals("step 9: the recorded schedule has ended, but the engine can still run [main]",
                ReplayCheck.divergence(9, null, List.of("main")));
    }

    @Test
    void theCoroutinesOfATraceAreMainThenTheWorkloadsInOrder() {
        Trace t = Trace.of(Metadata.empty(), new ImageSetup.Fresh(1 << 20, 65536, List.of()), List.of(
                new Command.Write(true, "w0", Producer.GUEST, 0, 512, null, false, false, false),
                new Command.AioFlush(null),
                new Command.Discard("d2", Producer.MIRROR, 0, 65536)), FixSetting.off());
        assertEquals(List.of("main", "w0", "d2"), t.coroutines());
    }

    @Test
    void aFixFlipAppliesFromItsStepOn() {
        FixSetting f = FixSetting.ofToggles(false, List.of(3L, 5L));
        assertEquals(List.of("none", "none", "none", "patch", "patch", "none", "none"),
                java.util.stream.LongStream.range(0, 7).mapToObj(f::variantAt).toList());
    }
}
