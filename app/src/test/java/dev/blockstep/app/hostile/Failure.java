package dev.blockstep.app.hostile;

/** The classes of broken promise issue 15 sorts hostile cases into. */
enum Failure {
    /** An input file's bytes changed (checksums before and after differ). */
    INPUT_CHANGED,
    /** The output took more disk than qemu's output for the same work (or the disk guard fired). */
    OUTPUT_TOO_BIG,
    /** A Java stack trace or a Java exception class name reached the user. */
    STACK_TRACE,
    /** The JVM ran out of heap under -Xmx256m. */
    OUT_OF_MEMORY,
    /** The case used more CPU than its budget, or sat blocked without using any ({@link HangWatch}). */
    HANG,
    /** Exit 0 where the input must be refused. */
    SILENT_ACCEPTANCE,
    /** An exit code differs from the one qemu-img or qemu-io gives for the same input. */
    QEMU_MISMATCH,
    /** An error without a place or an expectation: an echo of a huge input, a bare exception text. */
    UNHELPFUL_ERROR,
    /** A refusal of bad input worded as blockstep's own bug ("internal error"), which sends the user to the wrong
     *  place: every case here is hostile input, so a correct refusal names the input, not blockstep. */
    BLAMED_ITSELF
}
