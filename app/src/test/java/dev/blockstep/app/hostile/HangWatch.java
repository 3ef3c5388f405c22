package dev.blockstep.app.hostile;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a child CLI counts as hung, by what it does rather than by the wall clock, which a loaded 2-core
 * machine stretches many times over: a child hangs when it has used more CPU time than its budget (busy work
 * that does not end), or when its CPU time has not moved for {@link #STALL} of wall time (blocked, as on a FIFO
 * or a device). A wall-clock cap far above any budget stays as the last resort.
 */
final class HangWatch {

    /** How long a child may sit without using CPU before it counts as blocked. */
    static final Duration STALL = Duration.ofSeconds(30);
    /** Less CPU than this over {@link #STALL} is a blocked child's (the JVM's own idle threads use a little). */
    static final Duration IDLE_CPU = Duration.ofMillis(200);
    /** The wall-clock cap, as a multiple of the CPU budget. */
    static final int WALL_FACTOR = 20;

    private final ProcessHandle child;
    private final long budgetNanos;
    private final long stallNanos;
    private final long wallDeadline;
    private long stallSince;
    private long cpuAtStallStart;
    private long cpu;

    HangWatch(ProcessHandle child, int cpuBudgetSeconds, long startNanos) {
        this(child, cpuBudgetSeconds, startNanos, STALL);
    }

    HangWatch(ProcessHandle child, int cpuBudgetSeconds, long startNanos, Duration stall) {
        this.child = child;
        this.budgetNanos = TimeUnit.SECONDS.toNanos(cpuBudgetSeconds);
        this.stallNanos = stall.toNanos();
        this.wallDeadline = startNanos + WALL_FACTOR * budgetNanos;
        this.stallSince = startNanos;
    }

    /** Samples the child at {@code now}; true when it counts as hung. */
    boolean hung(long now) {
        cpu = child.info().totalCpuDuration().map(Duration::toNanos).orElse(cpu);
        if (cpu > budgetNanos || now > wallDeadline) {
            return true;
        }
        if (cpu - cpuAtStallStart >= IDLE_CPU.toNanos()) {
            stallSince = now;
            cpuAtStallStart = cpu;
            return false;
        }
        return now - stallSince > stallNanos;
    }

    /** The child's CPU time at the last sample, in milliseconds. */
    long cpuMillis() {
        return cpu / 1_000_000;
    }
}
