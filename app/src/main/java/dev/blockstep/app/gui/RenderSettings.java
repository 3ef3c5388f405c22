package dev.blockstep.app.gui;

/**
 * How the toolkit renders, set before it starts: by the window's launcher and by {@code bench --gui}, so the bench
 * measures the window a user gets. Both settings suit the software renderer this machine and Xvfb use; on a GPU they
 * cost next to nothing.
 */
public final class RenderSettings {

    /** The most separate areas the toolkit repaints per frame (its own ceiling); its default is 6. */
    static final int DIRTY_REGIONS = 15;

    private RenderSettings() {
    }

    /**
     * A step changes a few small areas far apart (a table row, the s->lock line, the timeline's cursor, the step
     * counter, the status line). Past six the toolkit merges them into bounding boxes that can span most of the
     * window, and the software renderer then repaints everything inside them: seen with
     * {@code -Dprism.showdirty=true}, a merged box from the s->lock panel to the timeline cost more than the rest of
     * the frame. A value the user set on the command line wins.
     */
    public static void beforeToolkit() {
        if (System.getProperty("prism.dirtyregioncount") == null) {
            System.setProperty("prism.dirtyregioncount", Integer.toString(DIRTY_REGIONS));
        }
        // The toolkit draws a region with several background fills (every table row, cell border, button and
        // header in the default theme) from a cached image stretched in nine slices. A GPU stretches an image for
        // free; the software renderer interpolates every pixel, and a JFR profile of bench --gui had over 90% of
        // the renderer's samples in that stretch (PiscesRenderer.drawImage under drawTexture9Slice). Filling the
        // rectangles directly cut the renderer's CPU time per slider jump from about 80 ms to about 30, per F8
        // from about 9 ms to about 3.
        if (System.getProperty("prism.disableRegionCaching") == null) {
            System.setProperty("prism.disableRegionCaching", "true");
        }
    }
}
