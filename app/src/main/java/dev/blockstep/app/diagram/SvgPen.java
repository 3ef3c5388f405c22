package dev.blockstep.app.diagram;

import java.util.Locale;

/** Draws into an SVG 1.1 document, written by hand: no dependency for a few element kinds. */
public final class SvgPen implements Pen {

    private final StringBuilder body = new StringBuilder();
    private final double width;
    private final double height;

    public SvgPen(double width, double height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke) {
        body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s %s/>%n",
                x, y, Math.max(0.5, w), h, paint("fill", fill), stroke == null ? "" : paint("stroke", stroke)));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double w, boolean dashed) {
        body.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s "
                + "stroke-width=\"%.1f\"%s/>%n", x1, y1, x2, y2, paint("stroke", stroke), w,
                dashed ? " stroke-dasharray=\"4 3\"" : ""));
    }

    @Override
    public void polygon(double[] xs, double[] ys, String fill) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            pts.append(String.format(Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "" : " ", xs[i], ys[i]));
        }
        body.append("<polygon points=\"").append(pts).append("\" ").append(paint("fill", fill)).append("/>\n");
    }

    @Override
    public void text(double x, double y, String s, double size, String fill, boolean bold) {
        body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"%s %s>", x, y, size,
                bold ? " font-weight=\"bold\"" : "", paint("fill", fill))).append(escape(s)).append("</text>\n");
    }

    /** The whole document. */
    public String document() {
        return String.format(Locale.ROOT, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
                + "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, sans-serif\">%n", width, height, width, height)
                + body + "</svg>\n";
    }

    /** An SVG paint attribute; rgba() becomes a colour plus an opacity, which every SVG viewer understands. */
    private static String paint(String attr, String css) {
        if (css == null) {
            return attr + "=\"none\"";
        }
        Colour c = Colour.parse(css);
        String hex = String.format(Locale.ROOT, "#%02x%02x%02x", c.r(), c.g(), c.b());
        return c.a() >= 1 ? attr + "=\"" + hex + "\""
                : String.format(Locale.ROOT, "%s=\"%s\" %s-opacity=\"%.2f\"", attr, hex, attr, c.a());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
