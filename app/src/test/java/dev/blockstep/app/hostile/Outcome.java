package dev.blockstep.app.hostile;

/** What one child run of the CLI did. {@code exit} is -1 when it was killed (timeout or disk guard). */
record Outcome(int exit, String stdout, String stderr, boolean timedOut, boolean diskGuardFired, long millis) {
}
