package dev.blockstep.trace;

/**
 * The image below another in the trace's chain (format version 3): the upper image's header names it as its
 * backing file {@code name} with backing format {@code format}, and {@code image} says how it is made, with its
 * own setup commands and, in turn, its own backing layer. A replay builds every layer from the trace alone and
 * checks a base file's header link against {@code name} and {@code format}, so it never follows a name out of
 * the trace's directory.
 *
 * @param name   the backing file name as the upper header stores it (e.g. "base.qcow2")
 * @param format the backing format the upper header stores; blockstep traces hold qcow2 layers
 */
public record BackingLayer(String name, String format, ImageSetup image) {
    /** How many images a chain may hold below the top, as blockstep's chain opener allows. */
    public static final int MAX_DEPTH = 64;

    /** The layers below {@code top}, top's backing first. */
    public static java.util.List<BackingLayer> below(ImageSetup top) {
        java.util.List<BackingLayer> layers = new java.util.ArrayList<>();
        for (BackingLayer l = top.backing(); l != null; l = l.image().backing()) {
            layers.add(l);
        }
        return layers;
    }
}
