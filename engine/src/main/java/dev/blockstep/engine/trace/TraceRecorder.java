package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.fix.FixVariants;
import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.Checkpoint;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.CoroutineRenaming;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what an {@link EngineSession} did into a trace: its steps become the schedule (chosen coroutine,
 * runnable set, step name), its fix changes become flips, and a checkpoint of the final state lets a replay
 * prove it arrived at the same place. Coroutines get the engine's names ({@link #engineNames}), so the trace
 * says what the debugger shows.
 */
public final class TraceRecorder {

    private TraceRecorder() {
    }

    /**
     * @param source the trace the session ran (its image and workload are kept); its schedule is replaced
     */
    public static Trace record(Trace source, Metadata metadata, EngineSession session) throws TraceReplayException {
        return record(source, metadata, session, 0);
    }

    /**
     * The same, with a checkpoint of the image file's hash every {@code checkpointEvery} steps besides the final
     * one (0: final only), so a replay that drifts is caught near where it drifted. The session walks its history
     * once to take them and is left where it was.
     */
    public static Trace record(Trace source, Metadata metadata, EngineSession session, int checkpointEvery)
            throws TraceReplayException {
        CommandMap map = session.engine().commands();
        CoroutineRenaming engineNames = engineNames(source, map);
        List<Command> workload = source.workload().stream().map(engineNames::apply).toList();
        TraceNames names = TraceNames.of(workload, source.job());
        Scheduler scheduler = session.engine().scheduler();
        List<ScheduleEntry> schedule = new ArrayList<>();
        for (Step s : session.steps()) {
            schedule.add(new ScheduleEntry(names.name(map, scheduler, s.coroutine()),
                    names.names(map, scheduler, s.runnable()), s.name(), null));
        }
        FixVariant initial = TraceReplay.initialFix(source, "the trace");
        TreeMap<Integer, FixVariant> flips = new TreeMap<>();
        for (Map.Entry<Integer, FixVariant> f : session.flips().entrySet()) {
            if (f.getKey() == 0) {
                initial = f.getValue();
            } else if (f.getKey() < schedule.size()) {
                flips.put(f.getKey(), f.getValue());
            }
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        int end = schedule.size();
        if (checkpointEvery > 0 && end > checkpointEvery) {
            for (int k = checkpointEvery; k < end; k += checkpointEvery) {
                session.goToStep(k);
                checkpoints.add(new Checkpoint(k, TraceImages.sha256(session.engine().file()), new TreeMap<>(),
                        new TreeMap<>()));
            }
            session.goToStep(end);
        }
        checkpoints.add(Checkpoints.take(end, session.current().image(), session.engine().file()));
        // the producer and node options are what the engine ran with; without them a replay would build another stack
        return new Trace(Trace.FORMAT_VERSION, metadata, source.image(), workload,
                FixVariants.setting(initial, flips), schedule, checkpoints, null, source.producer(), source.node(),
                source.job());
    }

    /**
     * The renaming that gives every command of {@code source} that ran in a request coroutine that coroutine's
     * name, as qemu-io's loop recorded it; commands that ran in none (refused, aio_flush, not yet issued) keep
     * the trace's name.
     *
     * @throws TraceReplayException when a name the trace keeps is one the engine gave another command
     */
    public static CoroutineRenaming engineNames(Trace source, EngineSession session) throws TraceReplayException {
        return engineNames(source, session.engine().commands());
    }

    /** As {@link #engineNames(Trace, EngineSession)}, from the command map itself. */
    public static CoroutineRenaming engineNames(Trace source, CommandMap map) throws TraceReplayException {
        Map<String, String> to = new LinkedHashMap<>();
        for (IssuedCommand c : map.all()) {
            String old = c.index() < source.workload().size() ? source.workload().get(c.index()).coroutine() : null;
            if (c.hasRequest() && old != null) {
                to.put(old, c.name());
            }
        }
        try {
            return new CoroutineRenaming(to, source.coroutines());
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(e.getMessage());
        }
    }

    /** Records and writes in one go, streaming the schedule. */
    public static void write(Trace recorded, Path file) throws IOException {
        TraceWriter.write(recorded, file);
    }
}
