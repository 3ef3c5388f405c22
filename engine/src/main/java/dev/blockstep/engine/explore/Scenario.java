package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.BlockJobSpec;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.fix.FixVariants;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.trace.TraceImages;
import dev.blockstep.engine.trace.TraceJob;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario is a trace file (trace-format) without a schedule: the image (a fresh image plus serial setup
 * commands, or a base file next to it), the concurrent workload with each request's producer, and the fix
 * setting. A workload that does not end with aio_flush gets one, since qemu-io's quit waits for every request
 * just the same; that aio_flush stands for qemu-io's command loop in exported schedules. Not beside a block job:
 * there quit also waits for the job's end, as the QMP client that started it does, so it stays the last step.
 *
 * @param openRepair what qemu's read-write open repaired in a dirty base image before the setup, or null
 */
public record Scenario(String name, Trace trace, ExploreSetup setup, OpenRepair openRepair) {

    /** A scenario whose image needed no repair when it was opened. */
    public Scenario(String name, Trace trace, ExploreSetup setup) {
        this(name, trace, setup, null);
    }

    public static Scenario load(Path file) throws ScenarioException {
        Trace t;
        try {
            t = TraceReader.read(file);
        } catch (TraceFormatException e) {
            throw new ScenarioException(e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return of(file.getFileName().toString(), t, dir);
    }

    public static Scenario load(InputStream in, String name) throws ScenarioException {
        try {
            return of(name, TraceReader.read(in, name), null);
        } catch (TraceFormatException e) {
            throw new ScenarioException(e.getMessage());
        }
    }

    /** @param dir where a base image's relative path is resolved; null when there is none */
    public static Scenario of(String name, Trace t, Path dir) throws ScenarioException {
        TraceImages.Start start = start(name, t.image(), dir);
        try {
            TraceImages.checkWorkload(t, start.image(), name);
        } catch (TraceReplayException e) {
            throw new ScenarioException(e.getMessage());
        }
        HostFile base = start.image();
        List<QemuIoCommand> cmds = new ArrayList<>();
        List<Producer> producers = new ArrayList<>();
        for (Command c : t.workload()) {
            cmds.add(TraceCommands.toQemuIo(c));
            producers.add(TraceCommands.producer(c));
        }
        // beside a block job quit first waits for the job (QemuIoMain.jobStarted), which aio_flush does not
        if (t.job() == null && !(cmds.get(cmds.size() - 1) instanceof QemuIoCommand.AioFlush)) {
            cmds.add(new QemuIoCommand.AioFlush());
            producers.add(Producer.GUEST);
        }
        FixVariant fix;
        try {
            fix = FixVariants.initial(t.fix());
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(name + ": " + e.getMessage());
        }
        BlockStack stack;
        try {
            stack = BlockStack.of(t.producer(), t.node());
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(name + ": node: " + e.getMessage());
        }
        BlockJobSpec job;
        try {
            job = TraceJob.spec(t.job(), t.image(), dir, name);
        } catch (TraceReplayException e) {
            throw new ScenarioException(e.getMessage());
        }
        return new Scenario(name, t, new ExploreSetup(name, base, cmds, producers, fix, stack, start.backing(), job,
                t.job() == null ? 0 : t.job().afterCommands()), start.repair());
    }

    /** The start image after its setup, with its chain: the one path traces take ({@link TraceImages#start}). */
    private static TraceImages.Start start(String name, ImageSetup img, Path dir) throws ScenarioException {
        if (dir == null && TraceImages.fileBased(img)) {
            throw new ScenarioException(name + ": image.path: a base image needs the scenario to be a file");
        }
        try {
            return TraceImages.start(img, dir, name);
        } catch (TraceReplayException e) {
            throw new ScenarioException(e.getMessage());
        }
    }

    /** The trace's coroutine name of each command of the setup, in order; null where it names none. */
    public List<String> coroutineNames() {
        List<String> names = new ArrayList<>();
        trace.workload().forEach(c -> names.add(c.coroutine()));
        while (names.size() < setup.commands().size()) {
            names.add(null);
        }
        return names;
    }

    public Scenario withFix(FixVariant v) {
        return new Scenario(name, trace, setup.withFix(v), openRepair);
    }
}
