package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.CommandMap;
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
import java.util.TreeSet;

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
        runForced(new TreeSet<>());
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

    /** Runs the macro step of {@code co} and returns what it touched. */
    public Footprint advance(int co) {
        choices.add(co);
        TreeSet<Long> keys = new TreeSet<>();
        stepOne(co, keys);
        runForced(keys);
        return new Footprint(keys.stream().mapToLong(Long::longValue).toArray());
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
        stepOne(co, new TreeSet<>());
    }

    /** Runs the steps no one chooses (Continue, wake-ups, spawns) after a {@link #stepExactly}. */
    public void settle() {
        runForced(new TreeSet<>());
    }

    private void runForced(TreeSet<Long> keys) {
        Scheduler s = engine.scheduler();
        while (!s.choiceOpen() && s.canStep()) {
            stepOne(s.runnable().get(0), keys);
        }
    }

    private void stepOne(int co, TreeSet<Long> keys) {
        int ownerBefore = engine.node().sLock().ownerId();
        Step st = engine.step(co);
        steps.add(st);
        keys.add(Footprint.coroutine(co));
        int ownerAfter = engine.node().sLock().ownerId();
        boolean lock = ownerBefore == co || ownerAfter == co;
        boolean hostSeen = false;
        long cs = engine.node().driver().clusterSize();
        for (EngineEvent e : st.events()) {
            if (e instanceof EngineEvent.LockAcquired || e instanceof EngineEvent.LockContended
                    || e instanceof EngineEvent.LockReleased) {
                lock = true;
            } else if (e instanceof EngineEvent.TrackedRequestBegin b) {
                keys.add(Footprint.TRACKED_KEY);
                began.put(b.coroutine(), (long) st.index());
            } else if (e instanceof EngineEvent.TrackedRequestEnd || e instanceof EngineEvent.WaitSerialising) {
                keys.add(Footprint.TRACKED_KEY);
            } else if (e instanceof EngineEvent.RequestFinished f) {
                keys.add(Footprint.coroutine(0));
                ended.put(f.coroutine(), (long) st.index());
                Coroutine c = engine.scheduler().coroutine(f.coroutine());
                if (c instanceof ReadRequest rr) {
                    readResults.put(f.coroutine(), rr.data());
                }
            } else if (e instanceof EngineEvent.DataIoCompleted d) {
                hostSeen = true;
                addHost(keys, d.hostOffset(), d.bytes(), cs);
            } else if (e instanceof EngineEvent.DataIoSubmitted d) {
                hostSeen = true;
                addHost(keys, d.hostOffset(), d.bytes(), cs);
            }
        }
        if (st.hostOffset() >= 0 && st.hostBytes() > 0) {
            hostSeen = true;
            addHost(keys, st.hostOffset(), st.hostBytes(), cs);
        }
        String n = st.name();
        if (n.equals("bdrv_co_write_req_prepare") || n.equals("bdrv_wait_serialising_requests")) {
            keys.add(Footprint.TRACKED_KEY);
        }
        if (n.startsWith("bdrv_co_flush") || (n.equals("thread_pool_complete") && !hostSeen)) {
            keys.add(Footprint.FLUSH_KEY);
        }
        if (n.equals("thread_pool_complete")) {
            // Completions run driver code without s->lock (a read looks its clusters up again, perform_cow reads
            // the guest view), so they may read any metadata: count them as touching the whole image.
            keys.add(Footprint.IMAGE_KEY);
        }
        if (lock) {
            keys.add(Footprint.LOCK_KEY);
            keys.add(Footprint.IMAGE_KEY);
        }
    }

    private static void addHost(TreeSet<Long> keys, long off, long bytes, long cs) {
        for (long c = off / cs; c <= (off + Math.max(bytes, 1) - 1) / cs; c++) {
            keys.add(Footprint.host(c));
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

    public int stepCount() {
        return steps.size();
    }
}
