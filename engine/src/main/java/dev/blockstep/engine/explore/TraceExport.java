package dev.blockstep.engine.explore;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a run into a trace file the GUI can open and step: the scenario's image, the workload with the engine's
 * coroutine names ("W1", "Z2", ...; qemu-io's command loop, which takes the steps that issue commands and wait,
 * is the trace format's "main"), the fix, and every engine step with its runnable set and name.
 */
public final class TraceExport {
    private TraceExport() {
    }

    /** The trace format's name of a coroutine: qemu-io's loop is {@link Trace#MAIN_COROUTINE}, as replays expect. */
    static String traceName(ExploreSetup setup, int id) {
        return id == 0 ? Trace.MAIN_COROUTINE : setup.coroutineName(id);
    }

    public static Trace of(ExploreSetup setup, ImageSetup image, Counterexample c, String title, String policy,
                           Long seed) {
        int[] ids = setup.coroutineIds();
        List<Command> workload = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            QemuIoCommand q = setup.commands().get(i);
            // aio_flush runs in qemu-io's loop, which the trace format names "main" and no command may claim.
            String co = ids[i] >= 0 ? setup.coroutineName(ids[i]) : null;
            workload.add(TraceCommands.toTrace(q, co, setup.producers().get(i)));
        }
        List<ScheduleEntry> schedule = new ArrayList<>();
        for (Counterexample.ScheduledStep s : c.schedule()) {
            List<String> runnable = s.runnable().stream().map(id -> traceName(setup, id)).toList();
            schedule.add(new ScheduleEntry(traceName(setup, s.coroutine()), runnable, s.name(), null));
        }
        Metadata md = new Metadata(title, c.verdict().summary(), "blockstep 0.1.0", seed, policy);
        return new Trace(Trace.FORMAT_VERSION, md, image, workload, new FixSetting(setup.fix(), List.of()), schedule,
                List.of(), null);
    }
}
