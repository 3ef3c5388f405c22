package dev.blockstep.app.gui.viewmodel;

import java.util.Map;

/**
 * What a class sees at step 0: the loaded run's title and description (from the trace's own metadata, so it
 * says what the recording says) and what to watch for, per shipped sample.
 *
 * @param title       the trace's title, or the file name when it has none
 * @param description the trace's description, or "" when it has none
 * @param watch       what to look at while stepping, and the keys that get there
 */
public record Guide(String title, String description, String watch) {

    private static final String KEYS = " F8 steps, F6 jumps to the next key moment, Shift+F6 back to the previous one.";

    private static final String RACE = "Watch W1 drop s->lock for its data write (s->lock panel, orange), then Z2 free"
            + " the host cluster W1 still holds (Refcounts: dashed red), then W1 link that freed cluster into its L2"
            + " entry (red line): the image is now corrupt.";

    private static final Map<String, String> WATCH = Map.ofEntries(
            Map.entry("minimal-race", RACE),
            Map.entry("subcluster-race", RACE + " The two requests do not even overlap: they write different halves of"
                    + " one cluster."),
            Map.entry("minimal-race-fixed", "Watch Z2: with the fix it is serialising, so it waits for W1's tracked"
                    + " request (the serialising wait) instead of freeing the cluster W1 is writing; the check stays"
                    + " clean."),
            Map.entry("nbd-zero-race", RACE + " The requests arrive as NBD WRITE and WRITE_ZEROES through qemu-nbd."),
            Map.entry("detect-zeroes-race", "Watch W2, a data write of zeros: detect-zeroes turns it into a zero write"
                    + " that frees W1's cluster while W1 has dropped s->lock. The fix does not close this path."),
            Map.entry("captured-qemu", "Real qemu-io 7.2 ran this: watch W1 drop s->lock, Z2 free host cluster 5, and"
                    + " W3 take cluster 5 for guest cluster 1 before W1 links guest cluster 0 to it. Two L2 entries"
                    + " then name one cluster (refcount=1 reference=2), as real qemu-img check reported."),
            Map.entry("upstream-regression", "The upstream test's whole mix, tens of thousands of steps: drag the slider"
                    + " to travel. No write-zeroes here is plain, so no cluster is ever ZERO_ALLOC, no freed cluster is"
                    + " linked again, and the check stays clean."),
            Map.entry("upstream-regression-z", "The upstream mix with plain aio_write -z: clusters become ZERO_ALLOC and"
                    + " the race corrupts. Press F6 until the status bar says first check error; F9 runs to the end,"
                    + " where the Check tab shows ERROR cluster 5 refcount=0 reference=1."),
            Map.entry("block-stream-discard", "Watch the guest's discard stop at the stream's copy-on-read filter,"
                    + " then the stream copy the top's unallocated cluster up with a serialising copy-on-read request:"
                    + " the discarded cluster ends holding the backing data, and the check stays clean."),
            Map.entry("block-commit-discard", "Watch the commit job write only base.qcow2 while the guest frees clusters"
                    + " of the top: no request of one touches the other's image, and the check stays clean."),
            Map.entry("blockdev-mirror-discard", "Watch the guest's zero write pass mirror_top without MAY_UNMAP and"
                    + " its discard stop there, so no guest request frees a cluster while the mirror job copies into"
                    + " the target; then the pivot, and the check stays clean."),
            Map.entry("dirty-lazy-refcounts", "Real qemu-io was killed on this lazy-refcounts image, so its"
                    + " refcounts lag its L2 tables. Read the line above: qemu repaired the image as it opened it, the"
                    + " step-0 tables are the repaired copy (Check tab: clean). Then watch W1 allocate host cluster 1,"
                    + " which the repair's refcount rebuild freed."),
            Map.entry("guest-only", "Ordered traffic: no two overlapping requests are in flight, so no key moment"
                    + " leads to a corrupt image."));

    private static final String ANY = "Watch for a request dropping s->lock for its data I/O while another frees"
            + " the cluster it writes.";

    /** The guide for a loaded run; {@code title} and {@code description} may be null (a bare image, an old trace). */
    public static Guide of(String name, String title, String description) {
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return new Guide(title == null || title.isBlank() ? name : title, description == null ? "" : description,
                WATCH.getOrDefault(stem, ANY) + KEYS);
    }
}
