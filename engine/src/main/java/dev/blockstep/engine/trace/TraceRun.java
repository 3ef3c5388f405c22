package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.BlockJob;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a trace headless to its end, as {@code blockstep run} does.
 *
 * <ul>
 *   <li>With a recorded schedule and neither option: the schedule is followed step for step, with its fix flips
 *       and checkpoints ({@link TraceReplay}); the first step that differs stops the run.</li>
 *   <li>{@code seed}: the recorded schedule is not used; a seeded random policy chooses every step. The recorded
 *       flips still apply before the same step indices.</li>
 *   <li>{@code forceFix}: that variant is in force from step 0 on; recorded flips are ignored. A schedule recorded
 *       under another variant is one this engine generally cannot follow (the zero-write waits for the writer), so
 *       the recorded schedule is not used either: the run is chosen by the seed when given, else by the trace's
 *       own policy ({@code metadata.policy} {@code random} with {@code metadata.seed}), else FIFO.</li>
 *   <li>No schedule: the trace's policy as above.</li>
 * </ul>
 * A recorded schedule that ends before the run does (a trace saved mid-run in the debugger) is followed to its end
 * and the run goes on under FIFO, as the debugger goes on after the recording when it resumes, so both end on the
 * same image.
 */
public final class TraceRun {

    /**
     * @param forceFix the variant to run under from step 0, or null for the trace's own
     * @param seed     null for no seed
     */
    public record Options(FixVariant forceFix, Long seed) {
        public static final Options DEFAULT = new Options(null, null);
    }

    private TraceRun() {
    }

    public static EngineSession run(TraceFile file, Path traceDir, String name, Options options)
            throws TraceReplayException {
        if (options.forceFix() == null && options.seed() == null && file.scheduleLength() > 0) {
            return toTheEnd(TraceReplay.replay(file, traceDir, name));
        }
        try {
            return byPolicy(file.withWorkload(), traceDir, name, options);
        } catch (TraceFormatException e) {
            throw new TraceReplayException(e.getMessage());
        }
    }

    /**
     * What a headless run leaves: the final image of the trace's own node, what qemu printed to stderr, and every
     * other image the trace's block job wrote (a commit's base, a mirror's target), and what the open repaired in
     * a dirty base image (null: nothing).
     */
    public record Result(HostFile image, List<String> stderr, long steps, List<BlockJob.WrittenImage> jobImages,
                         OpenRepair openRepair) {
        public Result {
            jobImages = List.copyOf(jobImages);
        }
    }

    /**
     * The same run with nothing kept behind it: the workload and the schedule are streamed from disk and the engine
     * forgets every finished request, so a trace of any length runs in memory bounded by the requests in flight
     * (what {@code blockstep run} does; the debugger keeps its history with {@link #run}).
     */
    public static Result headless(TraceFile file, Path traceDir, String name, Options options)
            throws TraceReplayException {
        Trace header = file.header();
        TraceImages.Start start = TraceImages.start(header.image(), traceDir, name);
        HostFile image = start.image();
        TraceImages.checkWorkload(file, image, name);
        boolean replay = options.forceFix() == null && options.seed() == null && file.scheduleLength() > 0;
        FixVariant fix = options.forceFix() != null ? options.forceFix() : TraceReplay.initialFix(header, name);
        try (StreamedCommands commands = new StreamedCommands(file, name)) {
            Workload w = new Workload(image, name, commands, fix,
                    replay ? Policies::fifo : policy(header.metadata(), options.seed()),
                    TraceReplay.stack(header, name), start.backing(),
                    TraceJob.spec(header.job(), header.image(), traceDir, name), TraceReplay.jobAfter(header),
                    start.repair());
            Engine engine = new Engine(w).forgetFinished();
            if (replay) {
                TraceReplay.followFile(file, header, TraceNames.of(file), TraceReplay.Driven.of(engine), name);
            } else {
                runToEnd(engine, options.forceFix() != null ? Map.of() : TraceReplay.fixChanges(header, name), name);
            }
            return new Result(engine.file(), engine.node().stderrLines(), engine.scheduler().stepIndex(),
                    engine.jobImages(), start.repair());
        } catch (StreamedCommands.Failed e) {
            throw new TraceReplayException(e.getMessage());
        }
    }

    /** Runs under the engine's policy, switching the fix variant before each step {@code flips} names. */
    private static void runToEnd(Engine engine, Map<Long, FixVariant> flips, String name)
            throws TraceReplayException {
        for (Map.Entry<Long, FixVariant> change : flips.entrySet()) {
            long flip = change.getKey();
            while (engine.scheduler().stepIndex() < flip && engine.step() != null) {
                // each step is all the run needs; nothing is kept
            }
            if (engine.scheduler().stepIndex() < flip) {
                break;
            }
            engine.node().setFix(change.getValue());
        }
        while (engine.step() != null) {
            // as above
        }
        if (engine.stuck()) {
            throw stuck(name, engine.scheduler().stepIndex());
        }
    }

    private static TraceReplayException stuck(String name, long step) {
        return new TraceReplayException(name + ": step " + step
                + ": no coroutine can step, but the workload has not finished (a deadlock qemu would hang on)");
    }

    /** The same for a trace already in memory. */
    public static EngineSession run(Trace trace, Path traceDir, String name, Options options)
            throws TraceReplayException {
        if (options.forceFix() == null && options.seed() == null && !trace.schedule().isEmpty()) {
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
        TraceImages.Start start = TraceImages.start(trace.image(), traceDir, name);
        TraceImages.checkWorkload(trace, start.image(), name);
        FixVariant fix = options.forceFix() != null ? options.forceFix() : TraceReplay.initialFix(trace, name);
        Workload w = new Workload(start.image(), name, CommandSource.of(TraceImages.commands(trace.workload(), name)),
                fix, policy(trace.metadata(), options.seed()), TraceReplay.stack(trace, name), start.backing(),
                TraceJob.spec(trace.job(), trace.image(), traceDir, name), TraceReplay.jobAfter(trace), start.repair());
        EngineSession session = new EngineSession(w);
        session.setFix(fix);
        Map<Long, FixVariant> flips = options.forceFix() != null ? Map.of() : TraceReplay.fixChanges(trace, name);
        for (Map.Entry<Long, FixVariant> flip : flips.entrySet()) {
            int before = session.current().step();
            session.run((int) Math.min(Integer.MAX_VALUE, flip.getKey() - before));
            if (session.current().step() < flip.getKey()) {
                break;
            }
            session.setFix(flip.getValue());
        }
        session.run(Integer.MAX_VALUE);
        if (session.engine().stuck()) {
            throw stuck(name, session.current().step());
        }
        return session;
    }
}
