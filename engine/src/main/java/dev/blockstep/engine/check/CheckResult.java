package dev.blockstep.engine.check;

/**
 * The counters qemu's BdrvCheckResult carries out of a finished check (no repair: the fixed counters are
 * always 0). All counts are as qemu computes them.
 */
public record CheckResult(long corruptions, long leaks, long checkErrors, long imageEndOffset,
                          long totalClusters, long allocatedClusters, long fragmentedClusters,
                          long compressedClusters) {

    /** qemu-img check's exit code for a check that ran to the end. */
    public int exitCode() {
        if (checkErrors != 0) {
            return 1;
        }
        if (corruptions != 0) {
            return 2;
        }
        return leaks != 0 ? 3 : 0;
    }

    public boolean clean() {
        return corruptions == 0 && leaks == 0 && checkErrors == 0;
    }
}
