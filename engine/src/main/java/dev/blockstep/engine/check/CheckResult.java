package dev.blockstep.engine.check;

/**
 * The counters qemu's BdrvCheckResult carries out of a finished check. All counts are as qemu computes
 * them; the fixed counters are non-zero only after a repair ({@code -r leaks|all}).
 */
public record CheckResult(long corruptions, long leaks, long checkErrors, long imageEndOffset,
                          long totalClusters, long allocatedClusters, long fragmentedClusters,
                          long compressedClusters, long corruptionsFixed, long leaksFixed) {

    /** A check without repair: nothing fixed. */
    public CheckResult(long corruptions, long leaks, long checkErrors, long imageEndOffset, long totalClusters,
                       long allocatedClusters, long fragmentedClusters, long compressedClusters) {
        this(corruptions, leaks, checkErrors, imageEndOffset, totalClusters, allocatedClusters, fragmentedClusters,
                compressedClusters, 0, 0);
    }

    /** The same counters with the fixed counts of an earlier repair pass, as qemu-img carries them over. */
    public CheckResult withFixed(long corruptionsFixed, long leaksFixed) {
        return new CheckResult(corruptions, leaks, checkErrors, imageEndOffset, totalClusters, allocatedClusters,
                fragmentedClusters, compressedClusters, corruptionsFixed, leaksFixed);
    }

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
