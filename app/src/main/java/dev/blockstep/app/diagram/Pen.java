package dev.blockstep.app.diagram;

/**
 * What a diagram is drawn with: the same layout goes to an SVG document or a PNG image. Colours are CSS colour
 * strings as theme.css writes them (#rrggbb or rgba(r, g, b, a)); null means none.
 */
public interface Pen {

    void rect(double x, double y, double w, double h, String fill, String stroke);

    void line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed);

    void polygon(double[] xs, double[] ys, String fill);

    /** Text with its baseline at y. */
    void text(double x, double y, String s, double size, String fill, boolean bold);
}
