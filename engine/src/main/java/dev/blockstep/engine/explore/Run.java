package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.block.ReadRequest;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One explored run, advanced one macro step at a time. A macro step is a chosen coroutine's step plus every
 * step qemu takes next without a choice (a Continue, a woken or freshly spawned coroutine), so the run only
 * ever stops where the order is really open. It records what the data oracle needs: when each request began
 * and ended, and what each read returned.
 */
public final class Run implements History {
    private final ExploreSetup setup;
    private final Engine engine;
    private final List<Step> steps = new ArrayList<>();
    private final List<Integer> choices = new ArrayList<>();
    private final Map<Integer, Long> began = new HashMap<>();
    private final Map<Integer, Long> ended = new HashMap<>();
    private final Map<Integer, byte[]> readResults = new HashMap<>();

    public Run(ExploreSetup setup) {
        this.setup = setup;
        this.engine = setup.newEngine();
        runForced();
    }

    /** Replays a list of choices from the start. */
    public static Run replay(ExploreSetup setup, List<Integer> choices) {
        Run r = new Run(setup);
        for (int c : choices) {
            r.advance(c);
        }
        return r;
    }

    public ExploreSetup setup() {
        return setup;
    }

    public Engine engine() {
        return engine;
    }

    /** Coroutines that may take the next macro step, ascending; empty at the end. */
    public List<Integer> options() {
        return engine.scheduler().runnable();
    }

    public boolean ended() {
        return !engine.scheduler().canStep();
    }

    /** The choices made so far (one per macro step). */
    public List<Integer> choices() {
        return List.copyOf(choices);
    }

    /** Every engine step taken, forced ones included. */
    public List<Step> steps() {
        return steps;
    }

    /** Runs the macro step of {@code co}: its step and every step that follows without a choice. */
    public void advance(int co) {
        choices.add(co);
        stepOne(co);
        runForced();
    }

    /**
     * Takes exactly one engine step of {@code co}, for replaying a recorded step-level schedule.
     *
     * @throws IllegalArgumentException when {@code co} cannot run now
     */
    public void stepExactly(int co) {
        if (!engine.scheduler().runnable().contains(co)) {
            throw new IllegalArgumentException("step " + steps.size() + ": " + coroutineName(co)
                    + " cannot run; runnable " + engine.scheduler().runnable().stream().map(this::coroutineName).toList());
        }
        stepOne(co);
    }

    /** Runs the steps no one chooses (Continue, wake-ups, spawns) after a {@link #stepExactly}. */
    public void settle() {
        runForced();
    }

    private void runForced() {
        Scheduler s = engine.scheduler();
        while (!s.choiceOpen() && s.canStep()) {
            stepOne(s.runnable().get(0));
        }
    }

    /** Takes one step and notes what the data oracle needs: request begin and end, read results. */
    private void stepOne(int co) {
        Step st = engine.step(co);
        steps.add(st);
        for (EngineEvent e : st.events()) {
            if (e instanceof EngineEvent.TrackedRequestBegin b) {
                began.put(b.coroutine(), (long) st.index());
            } else if (e instanceof EngineEvent.RequestFinished f) {
                ended.put(f.coroutine(), (long) st.index());
                Coroutine c = engine.scheduler().coroutine(f.coroutine());
                if (c instanceof ReadRequest rr) {
                    readResults.put(f.coroutine(), rr.data());
                }
            }
        }
    }

    /** The name qemu-io's loop gave coroutine {@code id} ("qemu-io", "W1", ...). */
    public String coroutineName(int id) {
        Scheduler s = engine.scheduler();
        return id >= 0 && id < s.nextId() ? s.coroutine(id).name() : "coroutine " + id;
    }

    @Override
    public CommandMap commands() {
        return engine.commands();
    }

    @Override
    public HostFile finalImage() {
        return ended() ? engine.file() : null;
    }

    @Override
    public Long beganAt(int co) {
        return began.get(co);
    }

    @Override
    public Long endedAt(int co) {
        return ended.get(co);
    }

    @Override
    public byte[] readResult(int co) {
        return readResults.get(co);
    }

    /**
     * Feeds what the data oracle will read of this run's history, with the step numbers abstracted away: for each
     * request begun, which requests had ended before it began; which have ended; and what each read returned.
     * Only requests the oracle judges count ({@link DataOracle#judgedRange}), and of two requests only when their
     * guest ranges overlap: the oracle never compares the times of any others. Equal feeds mean the oracle judges
     * equal futures alike, whatever order led here.
     */
    void digestHistory(java.util.function.LongConsumer out) {
        java.util.TreeMap<Integer, long[]> judged = new java.util.TreeMap<>();
        for (int co : began.keySet()) {
            long[] r = judgedRange(co);
            if (r != null) {
                judged.put(co, r);
            }
        }
        for (var e : judged.entrySet()) {
            out.accept(e.getKey());
            long b = began.get(e.getKey());
            for (var other : judged.entrySet()) {
                Long end = ended.get(other.getKey());
                if (end != null && end < b && other.getValue()[0] < e.getValue()[1]
                        && e.getValue()[0] < other.getValue()[1]) {
                    out.accept(other.getKey());
                }
            }
            out.accept(-1);
        }
        out.accept(-2);
        for (int co : judged.keySet()) {
            if (ended.containsKey(co)) {
                out.accept(co);
            }
        }
        out.accept(-3);
        for (int co : new java.util.TreeSet<>(readResults.keySet())) {
            byte[] r = readResults.get(co);
            out.accept(co);
            out.accept(r.length);
            long word = 0;
            for (int i = 0; i < r.length; i++) {
                word = word << 8 | (r[i] & 0xff);
                if ((i & 7) == 7 || i == r.length - 1) {
                    out.accept(word);
                    word = 0;
                }
            }
        }
    }

    /** The guest range the data oracle judges coroutine {@code co}'s command by, or null. */
    private long[] judgedRange(int co) {
        IssuedCommand ic = engine.commands().ofCoroutine(co);
        return ic == null ? null : DataOracle.judgedRange(setup.commands().get(ic.index()));
    }

    public int stepCount() {
        return steps.size();
    }
}
