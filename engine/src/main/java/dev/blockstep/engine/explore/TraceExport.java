package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a run into a trace file the GUI can open and step: the scenario's image, the workload with the engine's
 * coroutine names as qemu-io's loop recorded them in the run ("W1", "Z2", ...; qemu-io's command loop, which takes
 * the steps that issue commands and wait, is the trace format's "main"), the fix, and every engine step with its
 * runnable set and name.
 */
public final class TraceExport {
    private TraceExport() {
    }

    /**
     * @param c a run of {@code setup}; its workload is named as that run's qemu-io loop named the coroutines. A
     *          command that ran in none still needs a name in a trace: "refusedN" when qemu-io refused the N-th
     *          command, "unissuedN" when the run stopped before issuing it. Neither can appear in the schedule.
     */
    public static Trace of(ExploreSetup setup, ImageSetup image, Counterexample c, String title, String policy,
                           Long seed) {
        return of(setup, image, null, c, title, policy, seed);
    }

    /**
     * The same for a setup that starts the block job {@code job} names (null: none); the job's coroutines keep the
     * engine's names ("stream", "stream.cor"), which the trace format reserves for them.
     */
    public static Trace of(ExploreSetup setup, ImageSetup image, JobCommand job, Counterexample c, String title,
                           String policy, Long seed) {
        Map<Integer, String> names = new HashMap<>();
        names.put(0, Trace.MAIN_COROUTINE);
        List<Command> workload = new ArrayList<>();
        for (int i = 0; i < setup.commands().size(); i++) {
            QemuIoCommand q = setup.commands().get(i);
            IssuedCommand ic = i < c.commands().size() ? c.commands().get(i) : null;
            String co;
            if (q instanceof QemuIoCommand.AioFlush) {
                // aio_flush runs in qemu-io's loop, which the trace format names "main" and no command may claim.
                co = null;
            } else if (ic == null) {
                co = "unissued" + (i + 1);
            } else if (ic.hasRequest()) {
                co = ic.name();
                names.put(ic.coroutine(), co);
            } else {
                co = "refused" + (i + 1);
            }
            workload.add(TraceCommands.toTrace(q, co, setup.producers().get(i)));
        }
        if (setup.job() != null) {
            jobNames(setup, c, names);
        }
        List<ScheduleEntry> schedule = new ArrayList<>();
        for (Counterexample.ScheduledStep s : c.schedule()) {
            List<String> runnable = s.runnable().stream().map(names::get).toList();
            schedule.add(new ScheduleEntry(names.get(s.coroutine()), runnable, s.name(), null));
        }
        Metadata md = new Metadata(title, c.verdict().summary(), "blockstep 0.1.0", seed, policy);
        return new Trace(Trace.FORMAT_VERSION, md, image, workload, FixSetting.of(setup.fix().id()), schedule,
                List.of(), null, setup.stack().producer(), setup.stack().options(), job);
    }

    /** Runs the counterexample again to learn the engine's names of the coroutines no command ran in. */
    private static void jobNames(ExploreSetup setup, Counterexample c, Map<Integer, String> names) {
        Engine e = setup.newEngine();
        for (Counterexample.ScheduledStep s : c.schedule()) {
            for (int id : s.runnable()) {
                names.computeIfAbsent(id, k -> e.scheduler().coroutine(k).name());
            }
            e.step(s.coroutine());
        }
    }
}
