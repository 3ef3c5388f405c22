package dev.blockstep.engine.trace;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a trace headless to its end, as {@code blockstep run} does.
 *
 * <ul>
 *   <li>With a recorded schedule and neither option: the schedule is followed step for step, with its fix flips
 *       and checkpoints ({@link TraceReplay}); the first step that differs stops the run.</li>
 *   <li>{@code seed}: the recorded schedule is not used; a seeded random policy chooses every step. The recorded
 *       flips still apply before the same step indices.</li>
 *   <li>{@code forceFix}: the fix is on from step 0 and stays on; recorded flips are ignored. A schedule recorded
 *       without the fix is one the fixed engine generally cannot follow (the zero-write waits for the writer), so
 *       the recorded schedule is not used either: the run is chosen by the seed when given, else by the trace's
 *       own policy ({@code metadata.policy} {@code random} with {@code metadata.seed}), else FIFO.</li>
 *   <li>No schedule: the trace's policy as above.</li>
 * </ul>
 * A recorded schedule that ends before the run does (a trace saved mid-run in the debugger) is followed to its end
 * and the run goes on under FIFO, as the debugger goes on after the recording when it resumes, so both end on the
 * same image.
 */
public final class TraceRun {

    /** @param seed null for no seed */
    public record Options(boolean forceFix, Long seed) {
        public static final Options DEFAULT = new Options(false, null);
    }

    private TraceRun() {
    }

    public static EngineSession run(TraceFile file, Path traceDir, String name, Options options)
            throws TraceReplayException {
        if (!options.forceFix() && options.seed() == null && file.scheduleLength() > 0) {
            return toTheEnd(TraceReplay.replay(file, traceDir, name));
        }
        return byPolicy(file.header(), traceDir, name, options);
    }

    /** The same for a trace already in memory. */
    public static EngineSession run(Trace trace, Path traceDir, String name, Options options)
            throws TraceReplayException {
        if (!options.forceFix() && options.seed() == null && !trace.schedule().isEmpty()) {
            return toTheEnd(TraceReplay.replay(trace, traceDir, name));
        }
        return byPolicy(trace, traceDir, name, options);
    }

    /** Runs a replayed session on past the end of its recording, under its own policy (FIFO), to the end. */
    private static EngineSession toTheEnd(EngineSession session) {
        Snapshot at = session.current();
        while (!at.finished()) {
            Snapshot next = session.run(4096);
            if (next.step() == at.step()) {
                break;
            }
            at = next;
        }
        return session;
    }

    /** The policy a run without a recorded schedule uses. */
    public static Supplier<SchedulingPolicy> policy(Metadata metadata, Long seed) {
        if (seed != null) {
            long s = seed;
            return () -> Policies.seededRandom(s);
        }
        if (metadata != null && "random".equals(metadata.policy()) && metadata.seed() != null) {
            long s = metadata.seed();
            return () -> Policies.seededRandom(s);
        }
        return Policies::fifo;
    }

    private static EngineSession byPolicy(Trace trace, Path traceDir, String name, Options options)
            throws TraceReplayException {
        HostFile image = TraceImages.startImage(trace.image(), traceDir, name);
        TraceImages.checkWorkload(trace, image, name);
        boolean fix = options.forceFix() || trace.fix().initial();
        Workload w = new Workload(image, name, TraceImages.commands(trace.workload(), name), fix,
                policy(trace.metadata(), options.seed()), TraceReplay.stack(trace, name));
        EngineSession session = new EngineSession(w);
        session.setFix(fix);
        List<Long> flips = options.forceFix() ? List.of() : trace.fix().flips();
        for (long flip : flips) {
            int before = session.current().step();
            session.run((int) Math.min(Integer.MAX_VALUE, flip - before));
            if (session.current().step() < flip) {
                break;
            }
            fix = !fix;
            session.setFix(fix);
        }
        session.run(Integer.MAX_VALUE);
        if (session.engine().stuck()) {
            throw new TraceReplayException(name + ": step " + session.current().step()
                    + ": no coroutine can step, but the workload has not finished (a deadlock qemu would hang on)");
        }
        return session;
    }
}
