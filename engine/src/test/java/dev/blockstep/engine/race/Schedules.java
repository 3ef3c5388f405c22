package dev.blockstep.engine.race;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Every step-level schedule of a small workload, by brute force: no reduction and no explorer code, so a test
 * built on it does not trust the component it may be checking. Each run starts from a fresh engine and replays
 * its prefix.
 */
final class Schedules {
    static final int CLUSTER = 65536;
    private static final int LIMIT = 200_000;

    /** One complete schedule: its steps in order and the host file it left. */
    record Run(List<Step> steps, HostFile end) { }

    private Schedules() {
    }

    /** A fresh 16 MiB image with 64 KiB clusters after {@code setup} ran serially. */
    static HostFile image(String setup) {
        try {
            HostFile f = Qcow2Create.create(16 << 20, CLUSTER);
            Engine e = new Engine(new Workload(f, "test.qcow2", parse(setup), false, Policies::fifo));
            e.runToEnd();
            if (!e.finished()) {
                throw new IllegalStateException("setup did not finish: " + setup);
            }
            return e.file().copy();
        } catch (Qcow2Create.CreateException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<QemuIoCommand> parse(String script) {
        try {
            return QemuIoParser.parseScript(script, "test");
        } catch (Exception e) {
            throw new IllegalArgumentException(script + ": " + e.getMessage(), e);
        }
    }

    /** Every schedule of {@code race} on {@code image} with the fix set to {@code fix}, in depth-first order. */
    static List<Run> all(HostFile image, String race, boolean fix) {
        Workload w = new Workload(image, "test.qcow2", parse(race), fix, Policies::fifo);
        List<Run> out = new ArrayList<>();
        walk(w, new ArrayList<>(), out);
        return out;
    }

    private static void walk(Workload w, List<Integer> prefix, List<Run> out) {
        Engine e = new Engine(w);
        List<Step> steps = new ArrayList<>();
        for (int c : prefix) {
            steps.add(e.step(c));
        }
        List<Integer> runnable = e.scheduler().runnable();
        if (runnable.isEmpty()) {
            if (!e.finished()) {
                throw new AssertionError("a schedule deadlocks after " + prefix);
            }
            if (out.size() == LIMIT) {
                throw new AssertionError("more than " + LIMIT + " schedules: make the workload smaller");
            }
            out.add(new Run(steps, e.file().copy()));
            return;
        }
        for (int c : runnable) {
            prefix.add(c);
            walk(w, prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
