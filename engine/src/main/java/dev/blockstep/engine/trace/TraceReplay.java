package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.fix.FixVariants;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.ReplayCheck;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs a trace on the engine. With a schedule, every step must find the recorded runnable set (as a set) and take
 * the recorded coroutine, and, when the trace names it, the recorded step; fix flips are applied before their
 * step and checkpoints are compared after theirs. Any drift stops the replay with one line naming the step. A
 * schedule may end before the run does (a recorded prefix): the session is left at its last step.
 */
public final class TraceReplay {

    private TraceReplay() {
    }

    /** The engine workload of a trace, run by {@code policy} (for traces without a schedule). */
    public static Workload workload(Trace trace, Path traceDir, String name, Supplier<SchedulingPolicy> policy)
            throws TraceReplayException {
        TraceImages.Start start = TraceImages.start(trace.image(), traceDir, name);
        TraceImages.checkWorkload(trace, start.image(), name);
        return new Workload(start.image(), name, CommandSource.of(TraceImages.commands(trace.workload(), name)),
                initialFix(trace, name), policy, stack(trace, name), start.backing(),
                TraceJob.spec(trace.job(), trace.image(), traceDir, name), jobAfter(trace), start.repair());
    }

    /** How many workload commands qemu-io issues before the trace's job starts. */
    static int jobAfter(Trace trace) {
        return trace.job() == null ? 0 : trace.job().afterCommands();
    }

    /** The variant the trace starts under; an unknown name is a one-line error naming the trace and the field. */
    static FixVariant initialFix(Trace trace, String name) throws TraceReplayException {
        try {
            return FixVariants.initial(trace.fix());
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(name + ": " + e.getMessage());
        }
    }

    /** The trace's variant changes by step, checked like {@link #initialFix}. */
    static TreeMap<Long, FixVariant> fixChanges(Trace trace, String name) throws TraceReplayException {
        try {
            return FixVariants.changes(trace.fix());
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(name + ": " + e.getMessage());
        }
    }

    /** The layers the trace's producer and node options name. */
    static BlockStack stack(Trace trace, String name) throws TraceReplayException {
        try {
            return BlockStack.of(trace.producer(), trace.node());
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(name + ": node: " + e.getMessage());
        }
    }

    /** The next recorded entry, or null at the end. */
    @FunctionalInterface
    interface ScheduleSource {
        ScheduleEntry next() throws TraceReplayException;
    }

    /** Replays the trace's schedule to its end; the returned session holds the whole history. */
    public static EngineSession replay(Trace trace, Path traceDir, String name) throws TraceReplayException {
        Iterator<ScheduleEntry> it = trace.schedule().iterator();
        EngineSession session = new EngineSession(workload(trace, traceDir, name, Policies::fifo));
        follow(trace, TraceNames.of(trace.workload(), trace.job()), () -> it.hasNext() ? it.next() : null, Driven.of(session),
                name);
        return session;
    }

    /** Replays a trace file whose schedule is streamed from disk; its workload is read into the session. */
    public static EngineSession replay(TraceFile file, Path traceDir, String name) throws TraceReplayException {
        Trace trace;
        try {
            trace = file.withWorkload();
        } catch (TraceFormatException e) {
            throw new TraceReplayException(e.getMessage());
        }
        EngineSession session = new EngineSession(workload(trace, traceDir, name, Policies::fifo));
        followFile(file, trace, TraceNames.of(trace.workload(), trace.job()), Driven.of(session), name);
        return session;
    }

    /** Follows the file's schedule, streamed from disk, on {@code driven}. */
    static void followFile(TraceFile file, Trace header, TraceNames names, Driven driven, String name)
            throws TraceReplayException {
        try (TraceFile.ScheduleStream stream = file.schedule()) {
            follow(header, names, () -> {
                try {
                    return stream.next();
                } catch (TraceFormatException e) {
                    throw new TraceReplayException(e.getMessage());
                }
            }, driven, name);
        } catch (TraceFormatException e) {
            throw new TraceReplayException(e.getMessage());
        }
    }

    /**
     * What a replay drives: a session, which keeps the history for the debugger, or a bare headless engine, which
     * keeps nothing behind it.
     */
    interface Driven {
        Engine engine();

        void setFix(FixVariant variant);

        /** Steps coroutine {@code id}; returns the step's name. */
        String advance(int id);

        static Driven of(EngineSession session) {
            return new Driven() {
                @Override
                public Engine engine() {
                    return session.engine();
                }

                @Override
                public void setFix(FixVariant variant) {
                    session.setFix(variant);
                }

                @Override
                public String advance(int id) {
                    return session.advance(id).name();
                }
            };
        }

        static Driven of(Engine engine) {
            return new Driven() {
                @Override
                public Engine engine() {
                    return engine;
                }

                @Override
                public void setFix(FixVariant variant) {
                    engine.node().setFix(variant);
                }

                @Override
                public String advance(int id) {
                    return engine.step(id).name();
                }
            };
        }
    }

    private static void follow(Trace trace, TraceNames names, ScheduleSource schedule, Driven session, String name)
            throws TraceReplayException {
        Map<Long, FixVariant> flips = fixChanges(trace, name);
        Iterator<Checkpoint> checkpoints = trace.checkpoints().iterator();
        Checkpoint nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
        long step = 0;
        while (true) {
            while (nextCheckpoint != null && nextCheckpoint.step() == step) {
                Engine engine = session.engine();
                String bad = Checkpoints.mismatch(nextCheckpoint, engine::imageView, engine.file());
                if (bad != null) {
                    throw new TraceReplayException(name + ": " + bad);
                }
                nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
            }
            List<Integer> runnable = session.engine().scheduler().runnable();
            ScheduleEntry entry = schedule.next();
            if (entry == null) {
                // A recorded prefix is a valid trace: the session stops where the recording stopped.
                break;
            }
            FixVariant flip = flips.get(step);
            if (flip != null) {
                session.setFix(flip);
            }
            CommandMap map = session.engine().commands();
            String drift = ReplayCheck.divergence(step, entry, named(names, map, runnable, session.engine(), name,
                    step));
            if (drift != null) {
                throw new TraceReplayException(name + ": " + drift);
            }
            String taken = session.advance(names.id(map, session.engine().scheduler(), runnable, entry.chosen()));
            if (entry.step() != null && !entry.step().equals(taken)) {
                throw new TraceReplayException(name + ": step " + step + ": " + entry.chosen() + " took step "
                        + taken + ", the trace recorded " + entry.step());
            }
            step++;
        }
        if (nextCheckpoint != null) {
            throw new TraceReplayException(name + ": checkpoint at step " + nextCheckpoint.step()
                    + " lies past the end of the run (" + step + " steps)");
        }
    }

    /** The trace's names of the runnable coroutines; each must run a command the trace names. */
    private static List<String> named(TraceNames names, CommandMap map, List<Integer> runnable, Engine engine,
                                      String name, long step) throws TraceReplayException {
        List<String> out = names.names(map, engine.scheduler(), runnable);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null) {
                throw new TraceReplayException(name + ": step " + step + ": the engine's coroutine "
                        + engine.scheduler().coroutine(runnable.get(i)).name()
                        + " runs no command the trace's workload names");
            }
        }
        return out;
    }
}
