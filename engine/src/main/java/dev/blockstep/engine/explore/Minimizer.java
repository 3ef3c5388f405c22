package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a bad workload and its schedule, keeping the kind of failure (corrupt metadata stays corrupt
 * metadata; data drift stays data drift). First the workload is cut after the first drain point where the
 * image is found corrupt; then ddmin removes commands while some schedule of the rest is still bad (FIFO, a
 * budget of seeded uniform and PCT schedules, and an exhaustive search once at most four requests are left);
 * last, ddmin removes the schedule's departures from FIFO order until every one left is needed.
 */
public final class Minimizer {
    private final MetadataCheck check;
    private final int randomBudget;
    private int tests;
    /** What must stay wrong while shrinking: corrupt metadata, or else any bad verdict of the same kind. */
    private java.util.function.Predicate<Verdict> keeps = Verdict::bad;

    /**
     * @param randomBudget seeded schedules of each strategy tried per candidate workload
     */
    public Minimizer(MetadataCheck check, int randomBudget) {
        this.check = check;
        this.randomBudget = randomBudget;
    }

    /**
     * @param requests   requests (aio_flush not counted) before and after
     * @param departures choices in the final schedule that differ from FIFO
     * @param tests      candidate runs tried
     */
    public record Result(ExploreSetup setup, Counterexample counterexample, int requestsBefore, int requestsAfter,
                         int departures, int tests) { }

    /** @param schedule the trace's bad schedule as macro choices, or null to search for one */
    public Result minimize(ExploreSetup setup, List<Integer> schedule) {
        int before = requests(setup.commands());
        ExploreSetup cut = cutAtFirstCorruption(setup, schedule);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < cut.commands().size() - 1; i++) {
            idx.add(i);
        }
        Counterexample original = findBad(cut);
        if (original == null) {
            throw new IllegalArgumentException("no schedule of the workload was found bad");
        }
        Verdict v0 = original.verdict();
        keeps = v0.corrupt() ? Verdict::corrupt : !v0.drifts().isEmpty() ? v -> !v.drifts().isEmpty() : Verdict::bad;
        List<Integer> keep = DeltaDebugging.ddmin(idx, sub -> findBad(restrict(cut, sub)) != null);
        ExploreSetup min = restrict(cut, keep);
        Counterexample bad = findBad(min);
        Counterexample shortest = minimizeSchedule(min, bad);
        return new Result(min, shortest, before, requests(min.commands()), departures(min, shortest.choices()), tests);
    }

    private ExploreSetup cutAtFirstCorruption(ExploreSetup s, List<Integer> schedule) {
        if (s.commands().size() <= 12) {
            return s;
        }
        SchedulingPolicy p = schedule == null ? Policies.fifo() : new ReplayThenFifo(schedule);
        FirstCorruption fc = FirstCorruption.find(s, p, check, true);
        if (fc.commandsIssued() < 0) {
            return s;
        }
        List<QemuIoCommand> cmds = new ArrayList<>();
        List<Producer> prods = new ArrayList<>();
        int requests = 0;
        for (int i = 0; i < s.commands().size() && requests < fc.commandsIssued(); i++) {
            cmds.add(s.commands().get(i));
            prods.add(s.producers().get(i));
            if (!(s.commands().get(i) instanceof QemuIoCommand.AioFlush)) {
                requests++;
            }
        }
        cmds.add(new QemuIoCommand.AioFlush());
        prods.add(Producer.GUEST);
        return s.withCommands(cmds, prods);
    }

    /** The commands at {@code keep}, plus the final aio_flush. */
    private static ExploreSetup restrict(ExploreSetup s, List<Integer> keep) {
        List<QemuIoCommand> cmds = new ArrayList<>();
        List<Producer> prods = new ArrayList<>();
        for (int i : keep) {
            cmds.add(s.commands().get(i));
            prods.add(s.producers().get(i));
        }
        cmds.add(new QemuIoCommand.AioFlush());
        prods.add(Producer.GUEST);
        return s.withCommands(cmds, prods);
    }

    /** A bad run of the workload, or null when none of the tried schedules is bad. */
    Counterexample findBad(ExploreSetup s) {
        Judge judge = new Judge(s, check);
        Counterexample c = tryPolicy(s, judge, Policies.fifo());
        for (int i = 1; c == null && i <= randomBudget; i++) {
            c = tryPolicy(s, judge, Strategy.UNIFORM.policy(i, 1));
            if (c == null) {
                c = tryPolicy(s, judge, Strategy.PCT.policy(i, expectedSteps(s)));
            }
        }
        if (c == null && requests(s.commands()) <= 4) {
            // with the state cache only the first run to each end state is kept, which is all this needs
            Exploration e = SearchSettings.of(20_000, Long.MAX_VALUE).explorer(s, judge, 1).run();
            tests += (int) e.interleavings();
            c = e.endStates().values().stream().map(Exploration.EndState::first).filter(b -> keeps.test(b.verdict()))
                    .findFirst().orElse(null);
        }
        return c;
    }

    private Counterexample tryPolicy(ExploreSetup s, Judge judge, SchedulingPolicy p) {
        tests++;
        Run r = RandomSearch.runOnce(s, p);
        Verdict v = judge.judge(r);
        return keeps.test(v) ? Counterexample.of(r, v) : null;
    }

    private int expectedSteps(ExploreSetup s) {
        Run r = RandomSearch.runOnce(s, Policies.fifo());
        return r.stepCount();
    }

    /** ddmin over the choices that depart from FIFO. */
    private Counterexample minimizeSchedule(ExploreSetup s, Counterexample bad) {
        List<Integer> dep = new ArrayList<>();
        Run r = new Run(s);
        SchedulingPolicy fifo = Policies.fifo();
        List<Integer> choices = bad.choices();
        for (int j = 0; j < choices.size(); j++) {
            var opts = r.options();
            int f = fifo.choose(r.engine().scheduler().stepIndex(), opts, r.engine().scheduler());
            if (f != choices.get(j)) {
                dep.add(j);
            }
            r.advance(choices.get(j));
        }
        Judge judge = new Judge(s, check);
        List<Integer> kept = DeltaDebugging.ddmin(dep, d -> keeps.test(runWith(s, choices, d, judge).verdict()));
        return runWith(s, choices, kept, judge);
    }

    private Counterexample runWith(ExploreSetup s, List<Integer> choices, List<Integer> departures, Judge judge) {
        tests++;
        Run r = new Run(s);
        SchedulingPolicy fifo = Policies.fifo();
        for (int j = 0; !r.ended(); j++) {
            var opts = r.options();
            int c = fifo.choose(r.engine().scheduler().stepIndex(), opts, r.engine().scheduler());
            if (j < choices.size() && departures.contains(j) && opts.contains(choices.get(j))) {
                c = choices.get(j);
            }
            r.advance(c);
        }
        return Counterexample.of(r, judge.judge(r));
    }

    private static int departures(ExploreSetup s, List<Integer> choices) {
        Run r = new Run(s);
        SchedulingPolicy fifo = Policies.fifo();
        int n = 0;
        for (int c : choices) {
            if (fifo.choose(r.engine().scheduler().stepIndex(), r.options(), r.engine().scheduler()) != c) {
                n++;
            }
            r.advance(c);
        }
        return n;
    }

    static int requests(List<QemuIoCommand> cmds) {
        return (int) cmds.stream().filter(c -> !(c instanceof QemuIoCommand.AioFlush)).count();
    }

    /** Replays recorded macro choices, then FIFO. */
    private static final class ReplayThenFifo implements SchedulingPolicy {
        private final List<Integer> choices;
        private final SchedulingPolicy fifo = Policies.fifo();
        private int next;

        ReplayThenFifo(List<Integer> choices) {
            this.choices = choices;
        }

        @Override
        public int choose(int stepIndex, List<Integer> runnable, dev.blockstep.engine.coroutine.Scheduler s) {
            if (next < choices.size() && runnable.contains(choices.get(next))) {
                return choices.get(next++);
            }
            next++;
            return fifo.choose(stepIndex, runnable, s);
        }

        @Override
        public String describe() {
            return "replay then fifo";
        }
    }
}
