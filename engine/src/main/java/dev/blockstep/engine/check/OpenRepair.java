package dev.blockstep.engine.check;

import java.util.List;

/**
 * What qemu did to a dirty lazy-refcounts image when it opened it read-write: the first pass of
 * {@code qemu-img check -r all}, so the counts are the ones that command prints under "The following
 * inconsistencies were found and repaired".
 *
 * @param image            the image's name as the user gave it
 * @param leaksFixed       leaked clusters freed (qemu's leaks_fixed)
 * @param corruptionsFixed refcounts corrected (qemu's corruptions_fixed)
 * @param lines            what the check printed to stderr while repairing, in order
 */
public record OpenRepair(String image, long leaksFixed, long corruptionsFixed, List<String> lines) {
    public OpenRepair {
        lines = List.copyOf(lines);
    }

    /** The one line a front end shows a class: why the image it opened is not byte for byte the file. */
    public String summary() {
        return image + ": the image's dirty bit was set; qemu repairs it on open: " + leaksFixed + " leaked "
                + (leaksFixed == 1 ? "cluster" : "clusters") + " freed, " + corruptionsFixed + " "
                + (corruptionsFixed == 1 ? "refcount" : "refcounts") + " fixed";
    }
}
