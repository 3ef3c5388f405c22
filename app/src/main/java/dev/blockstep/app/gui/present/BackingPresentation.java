package dev.blockstep.app.gui.present;

import dev.blockstep.engine.snapshot.BackingView;
import java.util.ArrayList;
import java.util.List;

/**
 * The line under the L2 table of an overlay: which backing file lies below and which guest clusters still read
 * through to it. The L2 table lists only the entries this image sets, so without this line a class would not see
 * that the unlisted clusters are not zero but the backing file's data.
 */
public final class BackingPresentation {
    /** Runs listed before the rest is summed up, so a fragmented overlay still fits one line. */
    private static final int RUNS_SHOWN = 6;

    private BackingPresentation() {
    }

    /** The line, or empty for an image without a backing file. */
    public static String text(BackingView b) {
        if (b == null) {
            return "";
        }
        String what = "Backing file " + b.file() + (b.format().isEmpty() ? "" : " (" + b.format() + ")") + ": ";
        long n = b.clustersReadThrough();
        if (n == 0) {
            return what + "no guest cluster reads through to it (every cluster is allocated or zero here)";
        }
        List<String> runs = new ArrayList<>();
        for (BackingView.Run r : b.readThrough()) {
            if (runs.size() == RUNS_SHOWN) {
                runs.add("…");
                break;
            }
            runs.add(r.clusters() == 1 ? Long.toString(r.first())
                    : r.first() + "–" + (r.first() + r.clusters() - 1));
        }
        return what + n + (n == 1 ? " guest cluster reads" : " guest clusters read") + " through to it: "
                + String.join(", ", runs);
    }
}
