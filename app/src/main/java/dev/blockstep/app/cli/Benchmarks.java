package dev.blockstep.app.cli;

import dev.blockstep.engine.check.CheckException;
import dev.blockstep.engine.check.CheckOutput;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.explore.RandomWorkload;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.ExploreSetup;
import dev.blockstep.engine.explore.SearchSettings;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.explore.ScenarioException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The measurements behind {@code blockstep bench}. Each one runs its warm-up rounds untimed, then its timed
 * repetitions; nothing here judges the figures.
 */
final class Benchmarks {
    static final int CLUSTER = 65536;
    static final int COMMANDS = 5000;
    static final long SEED = 1;
    private static final int CHECK_DATA_CLUSTERS = 32768;

    private final int warmups;
    private final int repetitions;
    private final List<Measurement> rows = new ArrayList<>();

    Benchmarks(int warmups, int repetitions) {
        this.warmups = warmups;
        this.repetitions = repetitions;
    }

    List<Measurement> runAll() {
        engineSteps(false, false);
        engineSteps(false, true);
        engineSteps(true, false);
        serialCommands();
        check();
        session();
        for (String scenario : List.of("three-requests", "guest-mirror", "five-requests")) {
            explore(scenario, false);
            explore(scenario, true);
        }
        return List.copyOf(rows);
    }

    private void measure(String name, String unit, DoubleSupplier sample) {
        for (int i = 0; i < warmups; i++) {
            sample.getAsDouble();
        }
        double[] s = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            s[i] = sample.getAsDouble();
        }
        rows.add(Measurement.of(name, unit, s));
    }

    /**
     * The upstream-style aio workload run to its end under a seeded random schedule; {@code unobserved} as
     * {@code blockstep io} runs it, without footprints, events or frames.
     */
    private void engineSteps(boolean fix, boolean unobserved) {
        HostFile img = create(16L << 20);
        List<QemuIoCommand> cmds = RandomWorkload.generate(SEED, COMMANDS);
        int steps = new Engine(new Workload(img, "bench", cmds, FixVariant.of(fix), () -> Policies.seededRandom(SEED))).runToEnd();
        measure("engine" + (unobserved ? " unobserved (as io runs it)" : "") + ", " + COMMANDS + " aio commands, fix "
                + (fix ? "on" : "off") + " (" + steps + " steps)", "steps/s", () -> {
            Engine e = new Engine(new Workload(img, "bench", cmds, FixVariant.of(fix), () -> Policies.seededRandom(SEED)));
            if (unobserved) {
                e.unobserved();
            }
            long t0 = System.nanoTime();
            return e.runToEnd() / seconds(t0);
        });
    }

    /** A serial script as {@code blockstep io} runs one without a seed: the coroutine engine in FIFO order. */
    private void serialCommands() {
        long size = 1L << 30;
        HostFile img = create(size);
        List<QemuIoCommand> cmds = SerialBenchScript.generate(SEED, COMMANDS, size, CLUSTER);
        measure("serial engine, " + COMMANDS + " commands", "commands/s", () -> {
            long t0 = System.nanoTime();
            QemuIoScript.run(img, "bench", cmds, FixVariant.NONE, null, DISCARD_OUTPUT);
            return cmds.size() / seconds(t0);
        });
    }

    private static final QemuIoScript.Console DISCARD_OUTPUT = new QemuIoScript.Console() {
        @Override
        public void out(String text) {
        }

        @Override
        public void err(String line) {
        }
    };

    /** qemu-img check's work on a 2 GiB image whose every guest cluster holds data. */
    private void check() {
        long before = usedHeapAfterGc();
        HostFile img = fullImage();
        long held = usedHeapAfterGc() - before;
        measure("check, 2 GiB image, " + CHECK_DATA_CLUSTERS + " data clusters", "ms", () -> {
            long t0 = System.nanoTime();
            CheckResult r;
            try {
                r = ImageCheck.check(ImageBytes.of(img), "bench.qcow2", "qcow2", CheckOutput.DISCARD);
            } catch (CheckException e) {
                throw new IllegalStateException("the benchmark image does not check: " + e.getMessage(), e);
            }
            double ms = seconds(t0) * 1000;
            if (!r.clean() || r.allocatedClusters() != CHECK_DATA_CLUSTERS) {
                throw new IllegalStateException("the benchmark image checks as " + r);
            }
            return ms;
        });
        rows.add(Measurement.of("heap holding that image (after GC)", "MiB", new double[] {held / 1048576.0}));
    }

    /** Builds the image as {@code blockstep io} would: one 512-byte write per cluster allocates all of them. */
    private static HostFile fullImage() {
        List<QemuIoCommand> writes = new ArrayList<>();
        for (long c = 0; c < CHECK_DATA_CLUSTERS; c++) {
            writes.add(new QemuIoCommand.Write(c * CLUSTER, 512, (int) (c | 1) & 0xff, false, false, true));
        }
        writes.add(new QemuIoCommand.Flush());
        return QemuIoScript.run(create((long) CHECK_DATA_CLUSTERS * CLUSTER), "bench.qcow2", writes, FixVariant.NONE, null,
                DISCARD_OUTPUT).file();
    }

    /** Jumps and steps back through a debugger session holding the whole aio run. */
    private void session() {
        HostFile img = create(16L << 20);
        List<QemuIoCommand> cmds = RandomWorkload.generate(SEED, COMMANDS);
        long before = usedHeapAfterGc();
        EngineSession s = new EngineSession(new Workload(img, "bench", cmds, FixVariant.NONE, () -> Policies.seededRandom(SEED)));
        long t0 = System.nanoTime();
        s.run(Integer.MAX_VALUE);
        double runMs = seconds(t0) * 1000;
        int end = s.historyLength();
        long held = usedHeapAfterGc() - before;
        rows.add(Measurement.of("session, run to the end (" + end + " steps, checkpoints)", "ms", new double[] {runMs}));
        rows.add(Measurement.of("heap holding that session (after GC)", "MiB", new double[] {held / 1048576.0}));
        measure("session, snapshot at the end", "ms", () -> {
            long t = System.nanoTime();
            s.engine().snapshot(s.steps().get(end - 1));
            return seconds(t) * 1000;
        });
        measure("session, go to step " + end / 2 + " from the end", "ms", () -> {
            s.goToStep(end);
            long t = System.nanoTime();
            s.goToStep(end / 2);
            return seconds(t) * 1000;
        });
        measure("session, go to step " + end + " from the middle", "ms", () -> {
            s.goToStep(end / 2);
            long t = System.nanoTime();
            s.goToStep(end);
            return seconds(t) * 1000;
        });
        measure("session, step back at the end", "ms", () -> {
            s.goToStep(end);
            long t = System.nanoTime();
            s.stepBack();
            return seconds(t) * 1000;
        });
    }

    /**
     * {@code explore --exhaustive} of a shipped scenario, in process, with the state cache the command uses. Wall
     * time and this thread's CPU time both, since the machine is often shared; at most one warm-up and three runs,
     * as one run of the larger scenario takes seconds.
     */
    private void explore(String name, boolean fix) {
        ExploreSetup setup;
        try (InputStream in = Benchmarks.class.getResourceAsStream("/scenarios/" + name + ".json")) {
            setup = Scenario.load(in, name + ".json").setup().withFix(FixVariant.of(fix));
        } catch (IOException | ScenarioException e) {
            throw new IllegalStateException("the " + name + " scenario does not load: " + e.getMessage(), e);
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int runs = Math.min(3, repetitions);
        double[] wallMs = new double[runs];
        double[] cpuMs = new double[runs];
        Exploration x = null;
        for (int i = -Math.min(1, warmups); i < runs; i++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            x = SearchSettings.of(Long.MAX_VALUE, Long.MAX_VALUE).explorer(setup, new Judge(setup, new QemuImgCheck()), 1)
                    .run();
            if (i >= 0) {
                wallMs[i] = seconds(t0) * 1000;
                cpuMs[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        long states = x.states();
        rows.add(Measurement.of("explore --exhaustive " + name + ", fix " + (fix ? "on" : "off") + " (" + states
                + " states, " + x.engineSteps() + " engine steps)", "ms", wallMs));
        rows.add(Measurement.of("  the same, CPU time of the searching thread", "ms", cpuMs));
        rows.add(Measurement.of("  the same, states per second of CPU time", "states/s",
                Arrays.stream(cpuMs).map(ms -> states / (ms / 1000)).toArray()));
    }

    private static HostFile create(long size) {
        try {
            return Qcow2Create.create(size, CLUSTER);
        } catch (Qcow2Create.CreateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static double seconds(long t0) {
        return Math.max(1, System.nanoTime() - t0) / 1e9;
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
