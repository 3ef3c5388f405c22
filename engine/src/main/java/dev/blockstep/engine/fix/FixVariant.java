package dev.blockstep.engine.fix;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the serialising gate of the proposed fix sits (the engine's block layer, {@code engine.block}, asks it): each variant adds BDRV_REQ_SERIALISING (cluster-aligned
 * window, wait for every overlapping request) in some of block/io.c's functions, named by {@link Gate}. A request
 * reads its node's variant once, in its first step, and every function on its path asks that variant; a variant
 * changed between steps affects only the requests that begin after the change. No gate looks at who issued the
 * request: each sees only the flags its function sees.
 */
public enum FixVariant {
    /** qemu 7.2 as released: nothing is marked serialising. */
    NONE("none", "qemu 7.2 as released: no request is made serialising"),
    /**
     * The series as described: bdrv_co_pwritev_part marks a request SERIALISING when its flags at entry hold
     * BDRV_REQ_ZERO_WRITE (with or without MAY_UNMAP; FUA may be there too), and bdrv_co_pdiscard marks every
     * discard that passes its BDRV_O_UNMAP check. bdrv_co_write_req_prepare then widens the window to the cluster
     * and waits. A data write that detect-zeroes converts later, in bdrv_aligned_pwritev, is not seen.
     */
    PATCH("patch", "serialise discards (bdrv_co_pdiscard) and zero writes (ZERO_WRITE at bdrv_co_pwritev_part)",
            Gate.PWRITEV_ZERO_WRITE, Gate.PDISCARD),
    /**
     * The same marking done only in the wrapper bdrv_co_pwrite_zeroes (flags after its BDRV_O_UNMAP check) and in
     * bdrv_co_pdiscard. BlockBackend zero writes (qemu-io, HMP qemu-io, the NBD server's WRITE_ZEROES) enter
     * bdrv_co_pwritev_part directly and never pass the wrapper, so under this variant only discards serialise on
     * every path the engine models.
     */
    WRAPPER("wrapper", "serialise in bdrv_co_pwrite_zeroes() and bdrv_co_pdiscard() only (BlockBackend zero "
            + "writes bypass the wrapper)", Gate.PWRITE_ZEROES_WRAPPER, Gate.PDISCARD),
    /**
     * bdrv_co_pwritev_part marks only a zero write whose entry flags hold MAY_UNMAP, and bdrv_co_pdiscard marks
     * discards: a zero write without MAY_UNMAP frees no host cluster, so it stays unserialised.
     */
    UNMAP_ONLY("unmap-only", "serialise discards and zero writes with MAY_UNMAP only, at bdrv_co_pwritev_part",
            Gate.PWRITEV_MAY_UNMAP, Gate.PDISCARD),
    /**
     * {@link #PATCH}, plus bdrv_aligned_pwritev: when detect-zeroes has turned an all-zero data write into a zero
     * write (flags now ZERO_WRITE, plus MAY_UNMAP under detect-zeroes=unmap), bdrv_make_request_serialising marks
     * it with the cluster size and waits, before bdrv_co_do_pwrite_zeroes. This closes detect-zeroes-race, which
     * {@link #PATCH} leaves open because bdrv_co_write_req_prepare already ran with the data write's flags.
     */
    PATCH_POST_DETECT_ZEROES("patch+post-detect-zeroes", "patch, and serialise a data write after detect-zeroes "
            + "turned it into a zero write (bdrv_aligned_pwritev)", Gate.PWRITEV_ZERO_WRITE, Gate.PDISCARD,
            Gate.DETECT_ZEROES_CONVERSION);

    /** A function of block/io.c where a variant may add BDRV_REQ_SERIALISING. */
    public enum Gate {
        /** bdrv_co_pwritev_part, entry flags hold ZERO_WRITE. */
        PWRITEV_ZERO_WRITE,
        /** bdrv_co_pwritev_part, entry flags hold ZERO_WRITE and MAY_UNMAP. */
        PWRITEV_MAY_UNMAP,
        /** bdrv_co_pwrite_zeroes, the wrapper internal callers use. */
        PWRITE_ZEROES_WRAPPER,
        /** bdrv_co_pdiscard, after its BDRV_O_UNMAP check. */
        PDISCARD,
        /** bdrv_aligned_pwritev, after detect-zeroes converted the write. */
        DETECT_ZEROES_CONVERSION
    }

    private final String id;
    private final String description;
    private final Set<Gate> gates;

    FixVariant(String id, String description, Gate... gates) {
        this.id = id;
        this.description = description;
        this.gates = gates.length == 0 ? EnumSet.noneOf(Gate.class) : EnumSet.copyOf(Arrays.asList(gates));
    }

    /** The name traces and the command line use, e.g. "unmap-only". */
    public String id() {
        return id;
    }

    /** One line saying where the gate sits. */
    public String description() {
        return description;
    }

    /** Whether any function is gated (false only for {@link #NONE}). */
    public boolean gatesAnything() {
        return !gates.isEmpty();
    }

    /**
     * bdrv_co_pwritev_part: whether a request entering with these flags (BDRV_REQ_ZERO_WRITE, BDRV_REQ_MAY_UNMAP)
     * is made serialising.
     */
    public boolean serialisesAtPwritev(boolean zeroWrite, boolean mayUnmap) {
        if (!zeroWrite) {
            return false;
        }
        return gates.contains(Gate.PWRITEV_ZERO_WRITE) || gates.contains(Gate.PWRITEV_MAY_UNMAP) && mayUnmap;
    }

    /** bdrv_co_pwrite_zeroes: whether the wrapper adds BDRV_REQ_SERIALISING to the flags it passes down. */
    public boolean serialisesInPwriteZeroes() {
        return gates.contains(Gate.PWRITE_ZEROES_WRAPPER);
    }

    /** bdrv_co_pdiscard: whether a discard is made serialising. */
    public boolean serialisesDiscard() {
        return gates.contains(Gate.PDISCARD);
    }

    /** bdrv_aligned_pwritev: whether a write detect-zeroes converted is made serialising before the driver. */
    public boolean serialisesDetectedZeroes() {
        return gates.contains(Gate.DETECT_ZEROES_CONVERSION);
    }

    /** The variant for --fix's boolean form and version-1 traces' {@code fix: true/false}. */
    public static FixVariant of(boolean on) {
        return on ? PATCH : NONE;
    }

    /** @throws IllegalArgumentException naming the valid variants when {@code id} is none of them */
    public static FixVariant byId(String id) {
        for (FixVariant v : values()) {
            if (v.id.equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown fix variant '" + id + "': expected one of " + ids());
    }

    /** The valid names, comma-separated, in declaration order. */
    public static String ids() {
        return Arrays.stream(values()).map(FixVariant::id).collect(Collectors.joining(", "));
    }

    public static List<FixVariant> all() {
        return List.of(values());
    }

    @Override
    public String toString() {
        return id;
    }
}
