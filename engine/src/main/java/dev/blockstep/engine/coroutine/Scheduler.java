package dev.blockstep.engine.coroutine;

import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Runs coroutines one phase at a time, deterministically, on the caller's thread.
 *
 * <p>Some orderings are not scheduling choices in qemu, and the scheduler enforces them for every policy:
 * <ul>
 *   <li>A coroutine whose phase ended in {@link Outcome.Continue} did not yield, so it steps again.</li>
 *   <li>A coroutine woken by another (CoMutex hand-off, CoQueue restart) runs as soon as its waker yields or
 *       ends, in wake order, and depth-first: what it wakes in turn runs before anything that was owed a run
 *       already. qemu's aio_co_wake from a coroutine queues the woken one on the waker's co_queue_wakeup, and
 *       qemu_aio_coroutine_enter prepends that list to the pending ones when the waker switches back.</li>
 *   <li>A freshly spawned coroutine runs at once until its first yield (aio requests are entered on submit).</li>
 *   <li>A coroutine that another {@link #enter enters} runs at once, with what it spawns and wakes, until it
 *       yields; then its caller goes on (qemu_coroutine_enter returns to the caller).</li>
 * </ul>
 * Only when none of these applies does the policy choose among every coroutine that can step.
 */
public final class Scheduler {
    private final List<Coroutine> coroutines = new ArrayList<>();
    /** Coroutines not yet done, in id order, so that a long run does not rescan finished ones at every step. */
    private final List<Coroutine> live = new ArrayList<>();
    private final Deque<Coroutine> owedRuns = new ArrayDeque<>();
    /** co_queue_wakeup of the coroutine running now: woken during its run, owed a run once it yields. */
    private final List<Coroutine> coQueueWakeup = new ArrayList<>();
    /** Spawned during the running coroutine's run: they are entered ahead of what it woke. */
    private final List<Coroutine> spawnedInRun = new ArrayList<>();
    /** The running coroutine entered one it spawned and goes on once that one yields (see {@link #enter}). */
    private Coroutine caller;
    private SchedulingPolicy policy;
    private Coroutine forced;
    private long readyCounter;
    private long[] readySince = new long[16];
    private int stepIndex;
    /** The step running now, which shared-state accesses are declared to; null between steps. */
    private StepContext current;
    /** A headless run keeps no finished coroutine and no frames: nothing will look back at them. */
    private boolean forgetful;
    /** Nothing reads the steps' footprints, events or frames. */
    private boolean unobserved;

    public Scheduler(SchedulingPolicy policy) {
        this.policy = policy;
    }

    public SchedulingPolicy policy() {
        return policy;
    }

    public void setPolicy(SchedulingPolicy policy) {
        this.policy = policy;
    }

    /**
     * Whether the scheduler is at a point a checkpoint can describe: only {@code only} is not done, nothing
     * is forced, and nothing but {@code only} is owed a run.
     */
    public boolean quiescentExcept(Coroutine only) {
        if (forced != null || live.size() != 1 || live.get(0) != only) {
            return false;
        }
        for (Coroutine c : owedRuns) {
            if (c != only && c.state().canStep()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code co} is owed a run (woken or spawned and not yet run). */
    public boolean owes(Coroutine co) {
        return (owedRuns.contains(co) || coQueueWakeup.contains(co) || spawnedInRun.contains(co))
                && co.state().canStep();
    }

    public long readyCounter() {
        return readyCounter;
    }

    /**
     * A scheduler rebuilt at a quiescent point: {@code all} holds every coroutine by id, of which only
     * {@code live} is not done. The counters are set as they were, so that later choices are the same.
     */
    public static Scheduler restore(SchedulingPolicy policy, List<Coroutine> all, Coroutine live, int stepIndex,
                                    long readyCounter, long liveReadySince, boolean liveOwed) {
        Scheduler s = new Scheduler(policy);
        for (Coroutine c : all) {
            if (c.id() != s.coroutines.size()) {
                throw new IllegalArgumentException("coroutine ids must be 0..n-1 in order");
            }
            s.coroutines.add(c);
            if (c == live) {
                s.live.add(c);
            } else {
                c.setState(CoState.DONE, "");
            }
        }
        s.stepIndex = stepIndex;
        s.readyCounter = readyCounter;
        s.readySince = java.util.Arrays.copyOf(s.readySince, Math.max(s.readySince.length, all.size()));
        s.readySince[live.id()] = liveReadySince;
        if (liveOwed) {
            s.owedRuns.add(live);
        }
        return s;
    }

    /**
     * From now on a finished coroutine is dropped (its id stays taken) and no step is added to any coroutine's
     * frames, so that a run of any length keeps only the coroutines still running. For headless runs, which build
     * no snapshot and no checkpoint.
     */
    public void forgetFinished() {
        forgetful = true;
    }

    /**
     * Nothing will read this run's steps (a CLI run that prints only qemu-io's output): from now on a step records
     * no footprint, no event and no frame, and its {@link Step} lists none. Which steps run, in which order, and
     * every byte they write stay the same. Explorers and the debugger never call this: they read all three.
     */
    public void unobserved() {
        unobserved = true;
    }

    /** Number of steps taken. */
    public int stepIndex() {
        return stepIndex;
    }

    /** The id the next spawned coroutine receives. */
    public int nextId() {
        return coroutines.size();
    }

    /** Registers a coroutine built with {@link #nextId()}; it runs next, before any policy choice. */
    public <C extends Coroutine> C spawn(C co) {
        if (co.id() != coroutines.size()) {
            throw new IllegalArgumentException("coroutine id " + co.id() + " is not the next id " + coroutines.size());
        }
        coroutines.add(co);
        live.add(co);
        markReady(co);
        if (current != null) {
            spawnedInRun.add(co);
        } else {
            owedRuns.addFirst(co);
        }
        touch(new Resource.CoroutineState(co.id()), true);
        return co;
    }

    /**
     * qemu_coroutine_enter from the running coroutine, whose step must then yield: {@code co}, spawned in this step,
     * runs first, and the running coroutine is owed the run that follows {@code co}'s first yield (after whatever
     * {@code co} spawned or woke before it yielded, which qemu enters depth-first too).
     */
    public <C extends Coroutine> C enter(C co) {
        if (current == null || caller != null) {
            throw new IllegalStateException("enter of " + co + " outside a step, or twice in one step");
        }
        spawn(co);
        caller = current.self();
        return co;
    }

    /**
     * Makes a sleeping coroutine runnable. Woken by a running coroutine, it runs when that one yields or ends, after
     * what that one woke before it; woken between steps, after every coroutine owed a run already.
     */
    public void wake(Coroutine co) {
        if (co.state().canStep() || co.state() == CoState.DONE) {
            throw new IllegalStateException("wake of " + co + " which is not waiting");
        }
        co.setState(CoState.RUNNABLE, "");
        markReady(co);
        if (current != null) {
            coQueueWakeup.add(co);
        } else {
            owedRuns.addLast(co);
        }
        touch(new Resource.CoroutineState(co.id()), true);
    }

    /**
     * aio_co_schedule: makes a sleeping coroutine runnable without owing it a run. qemu enters it from the event
     * loop's bottom half later, so when it runs is the policy's choice, like any coroutine that is ready.
     */
    public void schedule(Coroutine co) {
        if (co.state().canStep() || co.state() == CoState.DONE) {
            throw new IllegalStateException("schedule of " + co + " which is not waiting");
        }
        co.setState(CoState.RUNNABLE, "");
        markReady(co);
        touch(new Resource.CoroutineState(co.id()), true);
    }

    /**
     * Declares an access to shared state for the step that is running; does nothing between steps (setup,
     * checks and views read the same objects, but they are not steps). The driver and the host file report here.
     */
    public void touch(Resource r, boolean write) {
        if (current != null) {
            current.touch(r, write);
        }
    }

    /** Every coroutine started, in id order; after {@link #forgetFinished}, only those not dropped. */
    public List<Coroutine> coroutines() {
        return coroutines.stream().filter(c -> c != null).toList();
    }

    /** Coroutine {@code id}; null when it finished after {@link #forgetFinished}. */
    public Coroutine coroutine(int id) {
        return coroutines.get(id);
    }

    /** Ids of the coroutines that may take the next step, ascending. */
    public List<Integer> runnable() {
        Coroutine f = mustRunNext();
        if (f != null) {
            return List.of(f.id());
        }
        List<Integer> ids = new ArrayList<>();
        for (Coroutine c : live) {
            if (c.state().canStep()) {
                ids.add(c.id());
            }
        }
        return ids;
    }

    /**
     * Whether the next step is a real scheduling choice, that is no coroutine is owed the CPU (a Continue, a
     * wake-up or a fresh spawn). Explorers branch only where this is true.
     */
    public boolean choiceOpen() {
        return mustRunNext() == null;
    }

    /** The coroutine qemu would run next without any choice, or null when the policy decides. */
    private Coroutine mustRunNext() {
        if (forced != null) {
            return forced;
        }
        while (!owedRuns.isEmpty() && !owedRuns.peekFirst().state().canStep()) {
            owedRuns.pollFirst();
        }
        return owedRuns.peekFirst();
    }

    /** When {@code id} last became ready to step; the FIFO policy picks the smallest. */
    public long readySince(int id) {
        return readySince[id];
    }

    /** Whether any coroutine can take a step. */
    public boolean canStep() {
        return !runnable().isEmpty();
    }

    /** Steps the coroutine the policy picks; null when nothing can step. */
    public Step step() {
        List<Integer> ids = runnable();
        if (ids.isEmpty()) {
            return null;
        }
        int chosen = policy.choose(stepIndex, ids, this);
        return stepChosen(chosen, ids);
    }

    /** Steps a chosen coroutine, which must be in {@link #runnable()}. */
    public Step step(int coroutineId) {
        List<Integer> ids = runnable();
        return stepChosen(coroutineId, ids);
    }

    private Step stepChosen(int id, List<Integer> ids) {
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("step " + stepIndex + ": coroutine " + id
                    + " cannot run; runnable " + ids);
        }
        Coroutine co = coroutines.get(id);
        if (co == owedRuns.peekFirst()) {
            owedRuns.pollFirst();
        } else {
            owedRuns.remove(co);
        }
        forced = null;
        StepContext cx = new StepContext(this, co, !unobserved);
        if (!unobserved) {
            cx.writes(new Resource.CoroutineState(id));
        }
        current = cx;
        Outcome out;
        try {
            out = co.run(cx);
        } finally {
            current = null;
        }
        if (cx.name().isEmpty()) {
            throw new IllegalStateException(co + " took an unnamed step");
        }
        if (!forgetful && !unobserved) {
            co.recordFrame(cx.name());
        }
        if (out instanceof Outcome.Continue) {
            co.setState(CoState.RUNNABLE, "");
            forced = co;
        } else if (out instanceof Outcome.Yield) {
            co.setState(CoState.RUNNABLE, "");
            markReady(co);
        } else if (out instanceof Outcome.InDataIo) {
            co.setState(CoState.IN_DATA_IO, "");
            markReady(co);
        } else if (out instanceof Outcome.Blocked b) {
            co.setState(b.why(), b.on());
        } else {
            co.setState(CoState.DONE, "");
            live.remove(co);
            if (forgetful) {
                coroutines.set(id, null);
            }
        }
        if (!(out instanceof Outcome.Continue)) {
            switchedBack();
        }
        Step s = new Step(stepIndex, id, cx.name(), ids, cx.guestOffset(), cx.guestBytes(), cx.hostOffset(),
                cx.hostBytes(), cx.events(), cx.narration(), cx.touches());
        stepIndex++;
        return s;
    }

    /** The running coroutine yielded or ended: what it spawned, then what it woke, run before anything else. */
    private void switchedBack() {
        for (int i = coQueueWakeup.size() - 1; i >= 0; i--) {
            owedRuns.addFirst(coQueueWakeup.get(i));
        }
        if (caller != null) {
            // once the entered coroutine yields; what the caller woke waits for the caller's own yield
            owedRuns.addFirst(caller);
            caller = null;
        }
        for (int i = spawnedInRun.size() - 1; i >= 0; i--) {
            owedRuns.addFirst(spawnedInRun.get(i));
        }
        coQueueWakeup.clear();
        spawnedInRun.clear();
    }

    private void markReady(Coroutine co) {
        if (co.id() >= readySince.length) {
            readySince = java.util.Arrays.copyOf(readySince, Math.max(readySince.length * 2, co.id() + 1));
        }
        readySince[co.id()] = ++readyCounter;
    }
}
