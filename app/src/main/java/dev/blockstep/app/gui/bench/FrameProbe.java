package dev.blockstep.app.gui.bench;

import com.sun.javafx.perf.PerformanceTracker;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * Times one command from the moment it is issued on the FX thread to the first frame rendered with its result.
 * A handler returning, or the panels having redrawn, is not enough: the layout and software rendering of that
 * frame are most of what a user waits for. So the probe watches three things: the session telling its panels that
 * a new state has arrived, the end of the layout pass of the pulse that lays that state out, and the renderer
 * reporting each frame it finished (the toolkit's scene tracker, the hook its own FPS counter uses). The frame
 * counted is the first one finished after that layout pass.
 */
final class FrameProbe {

    private final AtomicLong frames = new AtomicLong();
    /** FX thread only: a state has reached the panels and its layout pass has not run yet. */
    private boolean landed;
    private volatile long framesAtLayout = -1;
    private volatile CountDownLatch rendered = new CountDownLatch(0);
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile long landedNanos;
    private volatile long layoutNanos;
    private volatile long startCpu;
    private volatile long endCpu;
    private final java.util.List<Double> cpu = new java.util.ArrayList<>();
    private final java.util.List<long[]> phases = new java.util.ArrayList<>();

    /** Call on the FX thread once the window's scene and session exist. */
    FrameProbe(Scene scene, DebugSession session) {
        PerformanceTracker.getSceneTracker(scene).setOnRenderedFrameTask(this::frameRendered);
        scene.addPostLayoutPulseListener(this::afterLayout);
        session.addPanel(new SessionPanel() {
            @Override
            public String panelName() {
                return "bench probe";
            }

            @Override
            public void stepDidChange(SessionState state) {
                landed = true;
                landedNanos = System.nanoTime();
                // a state that changes nothing on screen still gets its pulse, so the wait below always ends
                Platform.requestNextPulse();
            }
        });
    }

    /**
     * Runs {@code command} on the FX thread and waits until its result has been rendered.
     *
     * @return milliseconds from issuing the command to the end of that frame
     */
    double time(String what, Runnable command) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        rendered = done;
        framesAtLayout = -1;
        Platform.runLater(() -> {
            landed = false;
            startCpu = processCpuNanos();
            startNanos = System.nanoTime();
            command.run();
        });
        if (!done.await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not render within 600 s");
        }
        synchronized (phases) {
            phases.add(new long[] {landedNanos - startNanos, layoutNanos - landedNanos, endNanos - layoutNanos});
            cpu.add((endCpu - startCpu) / 1e6);
        }
        return (endNanos - startNanos) / 1e6;
    }

    /**
     * Where the time of each timed command went, in ms, for profiling: to the state reaching the panels (engine
     * and panels' redraw), to the end of the layout pass that follows, and to the frame rendered.
     */
    java.util.List<double[]> phases() {
        synchronized (phases) {
            return phases.stream().map(p -> new double[] {p[0] / 1e6, p[1] / 1e6, p[2] / 1e6}).toList();
        }
    }

    /**
     * The CPU time of the process's Java threads (engine, FX, renderer; not the collector's or compilers') in ms
     * from each timed command to its frame, in the order timed: on a shared machine, a figure that other
     * processes' load changes far less than the wall-clock one.
     */
    java.util.List<Double> cpuMs() {
        synchronized (phases) {
            return java.util.List.copyOf(cpu);
        }
    }

    /** The sum over live threads (the process-wide figure the JDK offers has the 10 ms grain of times(2)). */
    private static long processCpuNanos() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long ns : t.getThreadCpuTime(t.getAllThreadIds())) {
            sum += Math.max(0, ns);
        }
        return sum;
    }

    private void afterLayout() {
        if (landed && framesAtLayout < 0) {
            landed = false;
            layoutNanos = System.nanoTime();
            framesAtLayout = frames.get();
        }
    }

    /** On the renderer's thread. */
    private void frameRendered() {
        long n = frames.incrementAndGet();
        long armed = framesAtLayout;
        if (armed >= 0 && n > armed && rendered.getCount() > 0) {
            endNanos = System.nanoTime();
            endCpu = processCpuNanos();
            rendered.countDown();
        }
    }
}
