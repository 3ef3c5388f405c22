package dev.blockstep.engine.check;

/**
 * qemu's BdrvCheckResult while a check runs: the counters the check functions raise and lower, and the
 * fragmentation figures. Mutable on purpose, because qemu's repair saves, zeroes and restores the whole
 * set at fixed points ({@link #copy}, {@link #restore}).
 */
final class CheckCounters {

    long corruptions;
    long leaks;
    long checkErrors;
    long corruptionsFixed;
    long leaksFixed;
    long allocated;
    long fragmented;
    long compressed;

    CheckCounters copy() {
        CheckCounters c = new CheckCounters();
        c.restore(this);
        return c;
    }

    void restore(CheckCounters o) {
        corruptions = o.corruptions;
        leaks = o.leaks;
        checkErrors = o.checkErrors;
        corruptionsFixed = o.corruptionsFixed;
        leaksFixed = o.leaksFixed;
        allocated = o.allocated;
        fragmented = o.fragmented;
        compressed = o.compressed;
    }

    CheckResult result(long imageEndOffset, long totalClusters) {
        return new CheckResult(corruptions, leaks, checkErrors, imageEndOffset, totalClusters, allocated, fragmented,
                compressed, corruptionsFixed, leaksFixed);
    }
}
