package dev.blockstep.app.gui.bench;

import dev.blockstep.app.gui.DebuggerWindow;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.explore.RandomWorkload;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Slider;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;

/**
 * {@code blockstep bench --gui}: the real window on the bench's 5000-command contended aio workload (the one
 * {@code blockstep bench} runs through the engine), driven by the keys a user presses, each timed from the key to
 * the frame that shows its result ({@link FrameProbe}). The workload is run to its end first (F9), so every F8 is
 * taken mid-run with the whole history known, as in a class that steps around the race after seeing it once.
 */
public final class GuiBench {

    private static final long SEED = 1;

    private final int steps;
    private final int backs;
    private final int jumps;
    private Stage stage;
    private DebuggerViewModel vm;
    private Scene scene;
    private FrameProbe probe;
    private ExecutorService engine;

    private final int commands;

    private GuiBench(boolean quick, int commands) {
        this.commands = commands;
        steps = quick ? 10 : 200;
        backs = quick ? 5 : 50;
        jumps = quick ? 3 : 30;
    }

    /**
     * Starts the toolkit unless it runs already (a test), measures, closes the window, and stops the toolkit if it
     * started it.
     */
    public static GuiBenchFigures run(boolean quick, int commands) throws InterruptedException {
        boolean started = startToolkit();
        GuiBench b = new GuiBench(quick, commands);
        try {
            return b.measure();
        } finally {
            onFx(() -> {
                if (b.stage != null) {
                    b.stage.close();
                }
                return null;
            });
            if (b.engine != null) {
                b.engine.shutdownNow();
            }
            if (started) {
                Platform.exit();
            }
        }
    }

    private static boolean startToolkit() throws InterruptedException {
        java.util.concurrent.CountDownLatch up = new java.util.concurrent.CountDownLatch(1);
        dev.blockstep.app.gui.RenderSettings.beforeToolkit();
        try {
            Platform.startup(up::countDown);
        } catch (IllegalStateException alreadyRunning) {
            return false;
        }
        up.await();
        Platform.setImplicitExit(false);
        return true;
    }

    private GuiBenchFigures measure() throws InterruptedException {
        onFx(this::openWindow);
        Workload w;
        try {
            w = new Workload(Qcow2Create.create(16L << 20, 65536), "bench", RandomWorkload.generate(SEED, commands),
                    FixVariant.NONE, () -> Policies.seededRandom(SEED));
        } catch (Qcow2Create.CreateException e) {
            throw new IllegalStateException("the bench image cannot be created: " + e.getMessage(), e);
        }
        double open = probe.time("open", () -> vm.open("bench: " + commands + " aio commands", () -> new EngineSession(w)));
        idle();
        press(KeyCode.F9, false);
        waitFor("the run to end", () -> vm.finishedProperty().get() && !vm.busyProperty().get());
        idle();
        int end = onFx(() -> vm.stepProperty().get());
        Slider slider = onFx(() -> (Slider) scene.lookup("#time-slider"));

        SplittableRandom r = new SplittableRandom(SEED);
        double[] jump = new double[jumps];
        java.time.Instant jumpsFrom = java.time.Instant.now();
        java.util.Map<String, Long> panelsBefore = onFx(() -> new java.util.TreeMap<>(vm.session().panelNanos()));
        int at = end;
        for (int i = 0; i < jumps; i++) {
            int pick = r.nextInt(1, end);
            // a jump to where the window already is changes nothing and renders nothing
            int to = pick == at ? pick + 1 : pick;
            jump[i] = probe.time("jump to step " + to, () -> slider.setValue(to));
            at = to;
            idle();
        }
        if (at != end / 2) {
            probe.time("jump to the middle", () -> slider.setValue(end / 2));
            idle();
        }
        double[] step = new double[steps];
        java.time.Instant jumpsTo = java.time.Instant.now();
        java.util.Map<String, Long> panelsAfter = onFx(() -> new java.util.TreeMap<>(vm.session().panelNanos()));
        int before = probe.phases().size();
        double[] jumpCpu = cpu(1, jumps);
        for (int i = 0; i < steps; i++) {
            step[i] = probe.time("F8", () -> press(KeyCode.F8, false));
            idle();
        }
        double[] back = new double[backs];
        for (int i = 0; i < backs; i++) {
            back[i] = probe.time("Shift+F8", () -> press(KeyCode.F8, true));
            idle();
        }
        if (Boolean.getBoolean("blockstep.bench.phases")) {
            // the times let a profile of the whole bench be cut to the jumps
            System.err.println("jumps from " + jumpsFrom + " to " + jumpsTo);
            printPhases("jump", 1, jumps);
            panelsAfter.forEach((panel, ns) -> System.err.printf(java.util.Locale.ROOT, "jump: %s %.2f ms a jump%n",
                    panel, (ns - panelsBefore.getOrDefault(panel, 0L)) / 1e6 / (jumps + 1)));
            printPhases("F8", before, steps);
            printPhases("Shift+F8", before + steps, backs);
        }
        double[] stepCpu = cpu(before, steps);
        double[] backCpu = cpu(before + steps, backs);
        return new GuiBenchFigures(open, step, back, jump, end, renderer(), new GuiBenchFigures.Cpu(stepCpu, backCpu,
                jumpCpu));
    }

    private void printPhases(String what, int from, int n) {
        List<double[]> phases = probe.phases();
        List<Double> cpu = probe.cpuMs();
        for (int i = from; i < from + n; i++) {
            double[] p = phases.get(i);
            System.err.printf(java.util.Locale.ROOT, "%s phases: to panels %.1f, to layout %.1f, to frame %.1f, cpu %.1f,"
                    + " FX cpu to panels %.1f, in CSS and layout %.1f, %s%n",
                    what, p[0], p[1], p[2], cpu.get(i), p[3], p[4], probe.cpuByThread().get(i));
        }
    }

    /** The CPU times of {@code n} timed commands from the {@code from}th (0 is the open). */
    private double[] cpu(int from, int n) {
        return probe.cpuMs().subList(from, from + n).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private Void openWindow() {
        engine = Executors.newSingleThreadExecutor(t -> {
            Thread th = new Thread(t, "blockstep-engine");
            th.setDaemon(true);
            return th;
        });
        vm = new DebuggerViewModel(engine, Platform::runLater);
        DebuggerWindow window = new DebuggerWindow(vm, new EngineWiring(), freshPreferences());
        scene = window.scene();
        stage = new Stage();
        stage.setTitle("blockstep bench --gui");
        stage.setScene(scene);
        stage.setX(0);
        stage.setY(0);
        stage.show();
        stage.requestFocus();
        probe = new FrameProbe(scene, vm.session());
        return null;
    }

    /** A key as the toolkit delivers it: pressed and released on the focus owner, through the scene's accelerators. */
    private void press(KeyCode key, boolean shift) {
        Runnable fire = () -> {
            Node focus = scene.getFocusOwner();
            javafx.event.EventTarget target = focus != null ? focus : scene;
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_PRESSED, "", "", key, shift, false, false, false));
            Event.fireEvent(target, new KeyEvent(KeyEvent.KEY_RELEASED, "", "", key, shift, false, false, false));
        };
        if (Platform.isFxApplicationThread()) {
            fire.run();
        } else {
            Platform.runLater(fire);
        }
    }

    /** Between two commands: the engine idle, and every event the last one queued handled. */
    private void idle() throws InterruptedException {
        waitFor("the engine to go idle", () -> !vm.busyProperty().get());
        onFx(() -> null);
    }

    private static void waitFor(String what, BooleanSupplier onFx) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (!onFx(onFx::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> c) throws InterruptedException {
        FutureTask<T> f = new FutureTask<>(c);
        Platform.runLater(f);
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static String renderer() {
        try {
            return com.sun.prism.GraphicsPipeline.getPipeline().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    /** The bench must not depend on, or change, the dividers a user dragged. */
    private static Preferences freshPreferences() {
        Preferences p = Preferences.userRoot().node("dev/blockstep/gui-bench");
        try {
            p.clear();
        } catch (BackingStoreException e) {
            throw new IllegalStateException("cannot clear the bench's preferences: " + e.getMessage(), e);
        }
        return p;
    }
}
