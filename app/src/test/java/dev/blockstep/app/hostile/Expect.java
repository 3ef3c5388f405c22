package dev.blockstep.app.hostile;

/** What a hostile case must end with, besides the promises every case keeps. */
sealed interface Expect {

    /** Any exit code; only the general promises apply. */
    record Any() implements Expect {
    }

    /** The input is bad: exit non-zero with a one-line error. */
    record Refused() implements Expect {
    }

    /** The input is good: exit 0. */
    record Succeeds() implements Expect {
    }

    /** The same exit code as qemu-img or qemu-io gave for this input (measured when the case was built). */
    record SameAsQemu(String tool, int exit) implements Expect {
    }
}
