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
 * coroutine names ("W1", "Z2", ...; the last aio_flush is "qemu-io", qemu-io's command loop, which takes the
 * steps that issue commands and wait), the fix, and every engine step with its runnable set and name.
 */
public final class TraceExport {
    private TraceExport() {
    }

    /** A step name as the trace format allows it: "bdrv_co_flush (file)" becomes "bdrv_co_flush_file". */
    static String stepName(String name) {
        String n = name.replaceAll("[^A-Za-z0-9_.\\-]+", "_");
        n = n.replaceAll("^_+|_+$", "");
        return n.isEmpty() ? "step" : n;
    }

    public static Trace of(ExploreSetup setup, ImageSetup image, Counterexample c, String title, String policy,
                           Long seed) {
        int[] ids = setup.coroutineIds();
        int lastFlush = -1;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                lastFlush = i;
            }
        }
        List<Command> workload = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            QemuIoCommand q = setup.commands().get(i);
            String co = ids[i] >= 0 ? setup.coroutineName(ids[i]) : i == lastFlush ? "qemu-io" : null;
            workload.add(TraceCommands.toTrace(q, co, setup.producers().get(i)));
        }
        List<ScheduleEntry> schedule = new ArrayList<>();
        for (Counterexample.ScheduledStep s : c.schedule()) {
            List<String> runnable = s.runnable().stream().map(setup::coroutineName).toList();
            schedule.add(new ScheduleEntry(setup.coroutineName(s.coroutine()), runnable, stepName(s.name()), null));
        }
        Metadata md = new Metadata(title, c.verdict().summary(), "blockstep 0.1.0", seed, policy);
        return new Trace(Trace.FORMAT_VERSION, md, image, workload, new FixSetting(setup.fix(), List.of()), schedule,
                List.of(), null);
    }
}
