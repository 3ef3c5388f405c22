package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.OptionValues.OptionException;
import dev.blockstep.engine.qcow2.format.Header;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * qcow2's runtime options (qcow2_runtime_opts) as qcow2_update_options_prepare reads them at every open and reopen:
 * the two cache sizes and the L2 entry size (read_cache_sizes), cache-clean-interval, lazy-refcounts, overlap-check
 * with its template and per-structure keys, and which discard types are passed down to the file.
 *
 * <p>What the engine does with each: the cache sizes set the slot counts of its two caches, and so which tables an
 * eviction writes back and in which order; lazy-refcounts turns the dirty-bit machinery on or off; the discard
 * types decide which freed clusters are punched in the file. cache-clean-interval only drops clean cache entries
 * on a timer, which changes no byte, and the overlap checks are validated and kept but the engine's own checks stay
 * qemu's default set ("cached"), whatever the options say.
 *
 * @param overlapCheck the QCOW2_OL_* bit mask the options select (kept, not used)
 */
public record Qcow2RuntimeOptions(int l2Entries, int l2EntrySize, int refcountEntries, long cacheCleanInterval,
                                  boolean lazyRefcounts, Set<DiscardType> discardPassthrough, int overlapCheck) {

    public static final String LAZY_REFCOUNTS = "lazy-refcounts";
    /** Every key qcow2 takes, as qemu_opts_absorb_qdict removes them from the options it is given. */
    public static final List<String> KEYS = List.of("cache-size", "l2-cache-size", "l2-cache-entry-size",
            "refcount-cache-size", "cache-clean-interval", LAZY_REFCOUNTS, "pass-discard-request",
            "pass-discard-snapshot", "pass-discard-other", "overlap-check", "overlap-check.template",
            "overlap-check.main-header", "overlap-check.active-l1", "overlap-check.active-l2",
            "overlap-check.refcount-table", "overlap-check.refcount-block", "overlap-check.snapshot-table",
            "overlap-check.inactive-l1", "overlap-check.inactive-l2", "overlap-check.bitmap-directory");
    /** The per-structure overlap keys, in QCOW2_OL_*_BITNR order. */
    private static final List<String> OVERLAP_BITS = KEYS.subList(KEYS.indexOf("overlap-check.main-header"),
            KEYS.size());
    /** Main header, active L1, refcount table, snapshot table, bitmap directory. */
    private static final int OL_CONSTANT = 0b100101011;
    /** And active L2, refcount blocks, inactive L1. */
    private static final int OL_CACHED = OL_CONSTANT | 0b001010100;
    /** And inactive L2. */
    private static final int OL_ALL = OL_CACHED | 0b010000000;
    private static final long DEFAULT_L2_CACHE_MAX = 32L << 20;
    private static final int MIN_L2_ENTRIES = 2;
    private static final int MIN_REFCOUNT_ENTRIES = 4;
    private static final long DEFAULT_CACHE_CLEAN_INTERVAL = 600;

    /**
     * The options {@code opts} give an image with header {@code h}; a key not given takes qemu's default.
     *
     * @param unmap BDRV_O_UNMAP on the node, pass-discard-request's default
     * @throws OptionException with qemu's message for the first bad value, in qemu's order
     */
    public static Qcow2RuntimeOptions of(Map<String, String> opts, Header h, boolean unmap) throws OptionException {
        for (String k : List.of("lazy-refcounts", "pass-discard-request", "pass-discard-snapshot",
                "pass-discard-other")) {
            OptionValues.bool(opts, k, false);
        }
        for (String k : OVERLAP_BITS) {
            OptionValues.bool(opts, k, false);
        }
        for (String k : List.of("cache-size", "l2-cache-size", "l2-cache-entry-size", "refcount-cache-size")) {
            OptionValues.size(opts, k, 0);
        }
        java.math.BigInteger interval = OptionValues.number(opts, "cache-clean-interval",
                DEFAULT_CACHE_CLEAN_INTERVAL);
        long[] sizes = cacheSizes(opts, h);
        long l2 = Math.max(MIN_L2_ENTRIES, sizes[0] / sizes[1]);
        if (l2 > Integer.MAX_VALUE) {
            throw new OptionException("L2 cache size too big");
        }
        long refcount = Math.max(MIN_REFCOUNT_ENTRIES, sizes[2] / h.clusterSize());
        if (refcount > Integer.MAX_VALUE) {
            throw new OptionException("Refcount cache size too big");
        }
        if (interval.bitLength() > 32) {
            throw new OptionException("Cache clean interval too big");
        }
        boolean lazy = OptionValues.bool(opts, LAZY_REFCOUNTS,
                (h.compatibleFeatures() & dev.blockstep.engine.qcow2.format.Qcow2Constants.COMPAT_LAZY_REFCOUNTS) != 0);
        if (lazy && h.version() < 3) {
            throw new OptionException("Lazy refcounts require a qcow2 image with at least qemu 1.1 compatibility "
                    + "level");
        }
        int overlap = overlapCheck(opts);
        Set<DiscardType> pass = EnumSet.of(DiscardType.ALWAYS);
        if (OptionValues.bool(opts, "pass-discard-request", unmap)) {
            pass.add(DiscardType.REQUEST);
        }
        if (OptionValues.bool(opts, "pass-discard-snapshot", true)) {
            pass.add(DiscardType.SNAPSHOT);
        }
        if (OptionValues.bool(opts, "pass-discard-other", false)) {
            pass.add(DiscardType.OTHER);
        }
        return new Qcow2RuntimeOptions((int) l2, (int) sizes[1], (int) refcount, interval.longValue(), lazy,
                Set.copyOf(pass), overlap);
    }

    /** read_cache_sizes: {L2 cache bytes, L2 entry size, refcount cache bytes}. */
    private static long[] cacheSizes(Map<String, String> opts, Header h) throws OptionException {
        long cs = h.clusterSize();
        long diskSize = (h.size() + 511) / 512 * 512;
        long maxL2Cache = ((diskSize + cs - 1) / cs * 8 + cs - 1) / cs * cs;
        boolean combinedSet = opts.containsKey("cache-size");
        boolean l2Set = opts.containsKey("l2-cache-size");
        boolean refcountSet = opts.containsKey("refcount-cache-size");
        long combined = OptionValues.size(opts, "cache-size", 0);
        long l2Max = OptionValues.size(opts, "l2-cache-size", DEFAULT_L2_CACHE_MAX);
        long refcount = OptionValues.size(opts, "refcount-cache-size", 0);
        long entrySize = OptionValues.size(opts, "l2-cache-entry-size", cs);
        long l2 = Math.min(maxL2Cache, l2Max);
        long minRefcount = MIN_REFCOUNT_ENTRIES * cs;
        if (combinedSet) {
            if (l2Set && refcountSet) {
                throw new OptionException("cache-size, l2-cache-size and refcount-cache-size may not be set at the "
                        + "same time");
            } else if (l2Set && Long.compareUnsigned(l2Max, combined) > 0) {
                throw new OptionException("l2-cache-size may not exceed cache-size");
            } else if (Long.compareUnsigned(refcount, combined) > 0) {
                throw new OptionException("refcount-cache-size may not exceed cache-size");
            }
            if (l2Set) {
                refcount = combined - l2;
            } else if (refcountSet) {
                l2 = combined - refcount;
            } else if (combined >= maxL2Cache + minRefcount) {
                l2 = maxL2Cache;
                refcount = combined - l2;
            } else {
                refcount = Math.min(combined, minRefcount);
                l2 = combined - refcount;
            }
        }
        if (Long.compareUnsigned(l2, maxL2Cache) < 0 && !opts.containsKey("l2-cache-entry-size")) {
            entrySize = Math.min(cs, 4096);
        }
        if (entrySize < 512 || entrySize > cs || Long.bitCount(entrySize) != 1) {
            throw new OptionException("L2 cache entry size must be a power of two between 512 and the cluster size ("
                    + cs + ")");
        }
        return new long[] {l2, entrySize, refcount};
    }

    /** overlap-check and overlap-check.template must agree; each structure's key may override the template. */
    private static int overlapCheck(Map<String, String> opts) throws OptionException {
        String check = opts.get("overlap-check");
        String template = opts.get("overlap-check.template");
        if (template != null && check != null && !template.equals(check)) {
            throw new OptionException("Conflicting values for qcow2 options 'overlap-check' ('" + check + "') and "
                    + "'overlap-check.template' ('" + template + "')");
        }
        String mode = check != null ? check : template != null ? template : "cached";
        int mask = switch (mode) {
            case "none" -> 0;
            case "constant" -> OL_CONSTANT;
            case "cached" -> OL_CACHED;
            case "all" -> OL_ALL;
            default -> throw new OptionException("Unsupported value '" + mode + "' for qcow2 option 'overlap-check'. "
                    + "Allowed are any of the following: none, constant, cached, all");
        };
        int out = 0;
        for (int i = 0; i < OVERLAP_BITS.size(); i++) {
            if (OptionValues.bool(opts, OVERLAP_BITS.get(i), (mask & (1 << i)) != 0)) {
                out |= 1 << i;
            }
        }
        return out;
    }
}
