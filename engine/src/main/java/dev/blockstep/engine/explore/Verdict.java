package dev.blockstep.engine.explore;

import java.util.List;

/**
 * How one explored run ended.
 *
 * @param imageHash  {@code HostFile.contentHash()} of the end image; with stderr it names the end state
 * @param checkLines what the checker printed (its errors), empty when the metadata is consistent
 * @param corrupt    the checker found corruptions or could not finish
 * @param drifts     silent data drift found by the oracle, in reads or in the final image
 * @param stderr     what qemu would have printed on stderr
 * @param stuck      requests were left that could never run (qemu would hang)
 */
public record Verdict(long imageHash, List<String> checkLines, boolean corrupt, List<Drift> drifts,
                      List<String> stderr, boolean stuck) {
    public Verdict {
        checkLines = List.copyOf(checkLines);
        drifts = List.copyOf(drifts);
        stderr = List.copyOf(stderr);
    }

    /** Anything a correct device would not do: corrupt metadata, data drift or a hang. */
    public boolean bad() {
        return corrupt || !drifts.isEmpty() || stuck;
    }

    /** Key of the end state: image content, stderr, the drifts seen and whether it hung. */
    public String endStateKey() {
        return Long.toHexString(imageHash) + "|" + stderr.hashCode() + "|" + drifts.hashCode() + "|" + stuck;
    }

    /** One line, e.g. "corrupt: ERROR cluster 5 refcount=0 reference=1". */
    public String summary() {
        if (!bad()) {
            return "clean";
        }
        StringBuilder sb = new StringBuilder();
        if (corrupt) {
            sb.append("corrupt: ").append(checkLines.isEmpty() ? "check failed" : checkLines.get(0));
        }
        if (!drifts.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append("data drift: ").append(drifts.get(0));
        }
        if (stuck) {
            sb.append(sb.length() > 0 ? "; " : "").append("hang: requests left that can never run");
        }
        return sb.toString();
    }
}
