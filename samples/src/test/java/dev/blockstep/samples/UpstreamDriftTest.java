package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.explore.Drift;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Run;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.trace.TraceNames;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.Verdict;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.engine.testing.Qemu;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-drift sentences of upstream-regression's description: the data oracle on the recorded FIFO run, and
 * the exhaustive exploration of the upstream-mix scenario, unfixed and fixed.
 */
class UpstreamDriftTest {

    @Test
    void theRecordedFifoRunOfTheUpstreamWorkloadKeepsCheckCleanAndItsDataAsTheOracleAllows() throws Exception {
        Trace t = Samples.open("upstream-regression");
        Scenario s = Scenario.of("upstream-regression", t, null);
        Run run = replayRecorded(s, t);
        Verdict v = new Judge(s.setup(), new QemuImgCheck()).judge(run);

        assertEquals(t.schedule().size(), run.stepCount());
        assertFalse(v.corrupt(), v.summary());
        assertFalse(v.stuck());
        String d = SampleRuns.description("upstream-regression");
        assertTrue(d.contains(v.drifts().isEmpty() ? DRIFT_FREE : DRIFTS), d);
    }

    static final String DRIFT_FREE = "on this recorded run the data oracle (DataOracle) finds no drift";
    static final String DRIFTS = "on this recorded run the data oracle (DataOracle) finds drift";

    @Test
    void exploringTheUpstreamMixFindsDriftWithCheckCleanUnfixedAndNoneFixed(@TempDir Path tmp) throws Exception {
        Scenario mix = upstreamMix();
        Exploration unfixed = explore(mix.withFix(FixVariant.NONE));
        long runs = 0;
        long drifting = 0;
        for (Exploration.EndState e : unfixed.endStates().values()) {
            assertFalse(e.verdict().corrupt(), e.verdict().summary());
            assertFalse(e.verdict().stuck());
            for (Drift d : e.verdict().drifts()) {
                assertEquals("final image: guest 0x10000+65536 holds 0x22, allowed W3 (0x33)", d.toString());
            }
            // The end state's image, checked by the real qemu-img as well as by the engine's check.
            Path image = tmp.resolve(Long.toHexString(e.verdict().imageHash()) + ".qcow2");
            Run.replay(mix.setup(), e.first().choices()).engine().file().save(image);
            Qemu.Result check = Qemu.img("check", image.toString());
            assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
            assertTrue(check.stdout().contains("No errors were found on the image"), check.stdout());
            runs += e.runs();
            drifting += e.verdict().drifts().isEmpty() ? 0 : e.runs();
        }
        assertEquals(unfixed.interleavings(), runs);
        assertTrue(drifting > 0);
        Exploration fixed = explore(mix.withFix(FixVariant.PATCH));
        assertEquals(0, fixed.badEndStates());
        String d = SampleRuns.description("upstream-regression");
        assertTrue(d.contains(drifting + " of the " + runs + " interleavings"), d);
        assertTrue(d.contains("none of the " + fixed.interleavings() + " interleavings drifts"), d);
    }

    private static Scenario upstreamMix() throws Exception {
        try (InputStream in = UpstreamDriftTest.class.getResourceAsStream("/scenarios/upstream-mix.json")) {
            return Scenario.load(in, "upstream-mix.json");
        }
    }

    private static Exploration explore(Scenario s) {
        Exploration x = new Explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()), true, 2_000_000, 1).run();
        assertFalse(x.truncated());
        return x;
    }

    /** Replays the sample's recorded schedule step for step on an explorer run, which records the oracle's history. */
    private static Run replayRecorded(Scenario s, Trace t) {
        TraceNames names = TraceNames.of(t.workload());
        Run run = new Run(s.setup());
        List<ScheduleEntry> schedule = t.schedule();
        for (int i = 0; i < schedule.size(); i++) {
            int id = names.id(run.commands(), schedule.get(i).chosen());
            if (i < run.stepCount()) {
                assertEquals(id, run.steps().get(i).coroutine(), "step " + i);
            } else {
                run.stepExactly(id);
            }
        }
        assertTrue(run.ended());
        return run;
    }
}
