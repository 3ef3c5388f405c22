package dev.blockstep.app.hostile;

/**
 * What one child run of the CLI did. {@code exit} is -1 when it was killed (hung or disk guard); {@code cpuMillis}
 * is its CPU time as last sampled while it ran (0 for a child that ended before the first sample).
 */
record Outcome(int exit, String stdout, String stderr, boolean timedOut, boolean diskGuardFired, long millis,
               long cpuMillis) {
}
