package dev.blockstep.samples;

import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.TraceRecorder;
import dev.blockstep.engine.trace.TraceRun;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a sample: runs its workload on the engine (FIFO, or a seeded random schedule), and writes the trace with
 * its schedule and a checkpoint every {@value #CHECKPOINT_EVERY} steps. {@code main(dir)} regenerates the shipped
 * files; {@code main(dir, "measure")} prints what each run shows instead, to write the descriptions from;
 * {@code main(dir, name...)} records only the samples named.
 */
final class SampleRecorder {

    static final int CHECKPOINT_EVERY = 1000;

    private SampleRecorder() {
    }

    record Outcome(EngineSession session, CheckResult check, List<String> checkLines) {
    }

    /** @param dir where the trace's base images are (those of a sample: {@link Samples#directory}) */
    static Outcome run(Trace t, Path dir, Long seed) throws Exception {
        EngineSession s = TraceRun.run(t, dir, "sample", new TraceRun.Options(null, seed));
        List<String> lines = new ArrayList<>();
        CheckResult r = ImageCheck.check(ImageBytes.of(s.engine().file()), "sample", lines::add);
        return new Outcome(s, r, lines);
    }

    static void record(Path dir, String name, Trace t, Long seed, String title, String description) throws Exception {
        Outcome o = run(t, dir, seed);
        Metadata m = new Metadata(name + ": " + title, description, "blockstep 0.1.0 SampleRecorder", seed,
                seed == null ? "fifo" : "random");
        Trace recorded = TraceRecorder.record(t, m, o.session(), CHECKPOINT_EVERY);
        TraceRecorder.write(recorded, dir.resolve(name + ".json"));
    }

    static void measure(Path dir, String name, Trace t, Long seed) throws Exception {
        long t0 = System.nanoTime();
        Outcome o = run(t, dir, seed);
        System.out.printf("%s seed=%s: %d steps, %d stderr lines, %d ms%n", name, seed, o.session().steps().size(),
                o.session().current().stderr().size(), (System.nanoTime() - t0) / 1_000_000);
        o.checkLines().forEach(l -> System.out.println("  " + l));
        System.out.print(CheckReport.human(o.check()).indent(2));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("measure")) {
            Path dir = Path.of(args[0]);
            measure(dir, "minimal-race", SampleWorkloads.minimalRace(false), null);
            measure(dir, "minimal-race-fixed", SampleWorkloads.minimalRace(true), null);
            measure(dir, "block-stream-discard", SampleWorkloads.blockStream(), null);
            measure(dir, "block-commit-discard", SampleWorkloads.blockCommit(), null);
            measure(dir, "blockdev-mirror-discard", SampleWorkloads.scenario("guest-mirror"), null);
            measure(dir, "guest-only", SampleWorkloads.guestOnly(1, 8), 1L);
            measure(dir, "dirty-lazy-refcounts", SampleWorkloads.dirtyLazyRefcounts(), null);
            measure(dir, "nbd-zero-race", SampleWorkloads.scenario("nbd-zero-race"), null);
            measure(dir, "detect-zeroes-race", SampleWorkloads.scenario("detect-zeroes-race"), null);
            measure(dir, "detect-zeroes-race fixed", SampleWorkloads.fixed(SampleWorkloads.scenario("detect-zeroes-race")),
                    null);
            for (Long seed : new Long[] {null, 1L}) {
                measure(dir, "upstream-regression", SampleWorkloads.upstream(1, 5000, 50, false), seed);
                measure(dir, "upstream-regression-z", SampleWorkloads.upstream(1, 5000, 50, true), seed);
            }
            return;
        }
        Path dir = Path.of(args[0]);
        if (args.length > 1) {
            // main(DIR, NAME...): only these samples, so one new sample does not re-record the long ones
            SampleDescriptions.record(dir, java.util.List.of(args).subList(1, args.length));
            return;
        }
        SampleDescriptions.recordAll(dir);
    }
}
