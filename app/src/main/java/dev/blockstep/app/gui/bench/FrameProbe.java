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
    /** The FX thread's own CPU time at the command, at the panels' redraw and at the end of the layout pass. */
    private long fxCpuStart;
    private long fxCpuLanded;
    private volatile long fxCpuLayout;
    private volatile long endCpu;
    private volatile java.util.Map<String, Long> startByThread = java.util.Map.of();
    private volatile java.util.Map<String, Long> endByThread = java.util.Map.of();
    private final java.util.List<java.util.Map<String, Double>> cpuByThread = new java.util.ArrayList<>();
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
                fxCpuLanded = fxCpu();
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
            startByThread = threadCpuNanos();
            startCpu = sum(startByThread);
            startNanos = System.nanoTime();
            fxCpuStart = fxCpu();
            command.run();
        });
        if (!done.await(600, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not render within 600 s");
        }
        synchronized (phases) {
            phases.add(new long[] {landedNanos - startNanos, layoutNanos - landedNanos, endNanos - layoutNanos,
                fxCpuLanded - fxCpuStart, fxCpuLayout - fxCpuLanded});
            cpu.add((endCpu - startCpu) / 1e6);
            java.util.Map<String, Double> by = new java.util.TreeMap<>();
            endByThread.forEach((t, ns) -> {
                double ms = (ns - startByThread.getOrDefault(t, 0L)) / 1e6;
                if (ms >= 0.05) {
                    by.put(t, ms);
                }
            });
            cpuByThread.add(by);
        }
        return (endNanos - startNanos) / 1e6;
    }

    /**
     * Where the time of each timed command went, in ms, for profiling: to the state reaching the panels (engine
     * and panels' redraw), to the end of the layout pass that follows, and to the frame rendered.
     */
    java.util.List<double[]> phases() {
        synchronized (phases) {
            return phases.stream().map(p -> new double[] {p[0] / 1e6, p[1] / 1e6, p[2] / 1e6, p[3] / 1e6, p[4] / 1e6})
                    .toList();
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

    /** The CPU time of each Java thread by name (the process-wide figure has the 10 ms grain of times(2)). */
    private static java.util.Map<String, Long> threadCpuNanos() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = t.getAllThreadIds();
        long[] ns = t.getThreadCpuTime(ids);
        java.lang.management.ThreadInfo[] info = t.getThreadInfo(ids);
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (info[i] != null && ns[i] >= 0) {
                m.merge(info[i].getThreadName(), ns[i], Long::sum);
            }
        }
        return m;
    }

    private static long fxCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long sum(java.util.Map<String, Long> byThread) {
        return byThread.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Per timed command, the CPU ms of each thread that used any. */
    java.util.List<java.util.Map<String, Double>> cpuByThread() {
        synchronized (phases) {
            return java.util.List.copyOf(cpuByThread);
        }
    }

    private void afterLayout() {
        if (landed && framesAtLayout < 0) {
            landed = false;
            layoutNanos = System.nanoTime();
            fxCpuLayout = fxCpu();
            framesAtLayout = frames.get();
        }
    }

    /** On the renderer's thread. */
    private void frameRendered() {
        long n = frames.incrementAndGet();
        long armed = framesAtLayout;
        if (armed >= 0 && n > armed && rendered.getCount() > 0) {
            endNanos = System.nanoTime();
            endByThread = threadCpuNanos();
            endCpu = sum(endByThread);
            rendered.countDown();
        }
    }
}
