package dev.blockstep.app.diagram;

import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Draws into an image (java.awt, headless), saved as PNG; {@code scale} 2 gives sharp slides. */
public final class PngPen implements Pen {

    private final BufferedImage image;
    private final Graphics2D g;

    public PngPen(double width, double height, double scale, String background) {
        image = new BufferedImage((int) Math.ceil(width * scale), (int) Math.ceil(height * scale),
                BufferedImage.TYPE_INT_ARGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.scale(scale, scale);
        g.setColor(Colour.parse(background).awt());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke) {
        Rectangle2D r = new Rectangle2D.Double(x, y, Math.max(0.5, w), h);
        if (fill != null) {
            g.setColor(Colour.parse(fill).awt());
            g.fill(r);
        }
        if (stroke != null) {
            g.setColor(Colour.parse(stroke).awt());
            g.setStroke(new BasicStroke(1f));
            g.draw(r);
        }
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double w, boolean dashed) {
        g.setColor(Colour.parse(stroke).awt());
        g.setStroke(dashed ? new BasicStroke((float) w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 3f}, 0f) : new BasicStroke((float) w));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polygon(double[] xs, double[] ys, String fill) {
        // Polygon takes ints; the scale transform keeps them sharp at 2x.
        Polygon p = new Polygon();
        for (int i = 0; i < xs.length; i++) {
            p.addPoint((int) Math.round(xs[i]), (int) Math.round(ys[i]));
        }
        g.setColor(Colour.parse(fill).awt());
        g.fill(p);
    }

    @Override
    public void text(double x, double y, String s, double size, String fill, boolean bold) {
        g.setColor(Colour.parse(fill).awt());
        g.setFont(new Font("DejaVu Sans", bold ? Font.BOLD : Font.PLAIN, (int) Math.round(size)));
        g.drawString(s, (float) x, (float) y);
    }

    public void save(Path out) throws IOException {
        g.dispose();
        if (!ImageIO.write(image, "png", out.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }
}
