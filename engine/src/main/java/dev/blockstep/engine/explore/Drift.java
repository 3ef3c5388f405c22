package dev.blockstep.engine.explore;

import java.util.List;

/**
 * Guest data no correct device could have returned: a read's result or the final image differs, over
 * {@code [offset, offset+bytes)}, from every content the requests that touched that range allow.
 *
 * @param where   "read R4" or "final image"
 * @param actual  what was found, e.g. "0x33 x 65536 bytes"
 * @param allowed what a correct device could have returned, e.g. ["W1 (0x22)", "Z2 (zeros)"]
 */
public record Drift(String where, long offset, long bytes, String actual, List<String> allowed) {
    public Drift {
        allowed = List.copyOf(allowed);
    }

    @Override
    public String toString() {
        return where + ": guest 0x" + Long.toHexString(offset) + "+" + bytes + " holds " + actual + ", allowed "
                + (allowed.isEmpty() ? "nothing" : String.join(" or ", allowed));
    }
}
