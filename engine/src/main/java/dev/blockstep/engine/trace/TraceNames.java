package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.ActiveMirrorWrite;
import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace's coroutine names against the engine's coroutine ids. A trace names the coroutine of each request in its
 * workload, and qemu-io's loop {@link Trace#MAIN_COROUTINE}; the engine's {@link CommandMap} says which coroutine
 * ran workload command i. So the trace's name of command i is the name of that coroutine, whatever the trace calls
 * it (traces recorded before the engine's names were written into them say "w0" for what the engine calls "W1").
 */
public final class TraceNames {
    private final List<String> names;
    private final Map<String, Integer> commandOf = new HashMap<>();
    /** The trace's block job, whose coroutines keep the engine's names (its type, "stream.cor"), or null. */
    private final JobCommand job;

    /** @param names the trace's coroutine name of each workload command, in workload order; null for none */
    public TraceNames(List<String> names) {
        this(names, null);
    }

    public TraceNames(List<String> names, JobCommand job) {
        this.job = job;
        this.names = new ArrayList<>(names);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                commandOf.put(names.get(i), i);
            }
        }
    }

    public static TraceNames of(List<Command> workload) {
        return of(workload, null);
    }

    public static TraceNames of(List<Command> workload, JobCommand job) {
        return new TraceNames(workload.stream().map(Command::coroutine).toList(), job);
    }

    /**
     * The names of a trace file's workload, streamed from disk: only the names are kept, for a replay that follows
     * a recorded schedule (which may name any command).
     */
    static TraceNames of(TraceFile file) throws TraceReplayException {
        JobCommand job = file.header().job();
        List<String> names = new ArrayList<>();
        try (TraceFile.CommandStream s = file.commands()) {
            for (Command c = s.next(); c != null; c = s.next()) {
                names.add(c.coroutine());
            }
        } catch (TraceFormatException e) {
            throw new TraceReplayException(e.getMessage());
        }
        return new TraceNames(names, job);
    }

    /**
     * The trace's name of engine coroutine {@code id}: as {@link #name(CommandMap, int)}, the engine's own name of one
     * of the block job's coroutines, or the name of the guest request whose copy to a write-blocking mirror's target
     * it is (qemu runs that copy in the guest's own coroutine, and its log says so).
     */
    public String name(CommandMap map, Scheduler scheduler, int id) {
        String n = name(map, id);
        if (n != null || job == null) {
            return n;
        }
        String engineName = scheduler.coroutine(id).name();
        if (job.names(engineName)) {
            return engineName;
        }
        String issuer = ActiveMirrorWrite.issuerOfTargetCopy(engineName);
        if (issuer == null) {
            return null;
        }
        for (IssuedCommand c : map.all()) {
            if (c.name().equals(issuer) && c.hasRequest()) {
                return name(map, c.coroutine());
            }
        }
        return null;
    }

    public List<String> names(CommandMap map, Scheduler scheduler, List<Integer> ids) {
        List<String> out = new ArrayList<>(ids.size());
        for (int id : ids) {
            out.add(name(map, scheduler, id));
        }
        return out;
    }

    /**
     * The runnable coroutine the trace calls {@code name} (a guest request's copy to the target goes by the guest's
     * name while the guest waits for it); else as {@link #id(CommandMap, String)}, or -2 for a job's coroutine that
     * is not runnable.
     */
    public int id(CommandMap map, Scheduler scheduler, List<Integer> runnable, String name) {
        int id = job != null && job.names(name) ? -2 : id(map, name);
        if (job == null || id == -1 || runnable.contains(id)) {
            return id;
        }
        for (int r : runnable) {
            if (name.equals(name(map, scheduler, r))) {
                return r;
            }
        }
        return id;
    }

    /** The trace's name of engine coroutine {@code id}, or null when it runs no command the trace names. */
    public String name(CommandMap map, int id) {
        if (id == 0) {
            return Trace.MAIN_COROUTINE;
        }
        IssuedCommand c = map.ofCoroutine(id);
        return c == null || c.index() >= names.size() ? null : names.get(c.index());
    }

    public List<String> names(CommandMap map, List<Integer> ids) {
        return ids.stream().map(id -> name(map, id)).toList();
    }

    /**
     * The engine coroutine the trace calls {@code name}: -1 when the trace names no such coroutine, -2 when its
     * command has not been issued yet or ran in no request coroutine of its own (qemu-io refused it).
     */
    public int id(CommandMap map, String name) {
        if (name.equals(Trace.MAIN_COROUTINE)) {
            return 0;
        }
        Integer index = commandOf.get(name);
        if (index == null) {
            return -1;
        }
        if (index >= map.size() || map.command(index) == null || !map.command(index).hasRequest()) {
            return -2;
        }
        return map.command(index).coroutine();
    }

    /** Every name a schedule of this trace may use: main, then the workload's, in workload order. */
    public List<String> all() {
        List<String> out = new ArrayList<>();
        out.add(Trace.MAIN_COROUTINE);
        names.stream().filter(n -> n != null).forEach(out::add);
        return out;
    }
}
