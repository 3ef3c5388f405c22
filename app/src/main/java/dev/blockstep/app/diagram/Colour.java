package dev.blockstep.app.diagram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A colour as theme.css writes it: #rrggbb or rgba(r, g, b, a). */
record Colour(int r, int g, int b, double a) {

    private static final Pattern RGBA = Pattern.compile(
            "rgba\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*([0-9.]+)\\s*\\)");

    static Colour parse(String css) {
        String s = css.strip();
        if (s.matches("#[0-9a-fA-F]{6}")) {
            int v = Integer.parseInt(s.substring(1), 16);
            return new Colour(v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff, 1);
        }
        Matcher m = RGBA.matcher(s);
        if (m.matches()) {
            return new Colour(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Double.parseDouble(m.group(4)));
        }
        throw new IllegalArgumentException("theme colour '" + css + "': expected #rrggbb or rgba(r, g, b, a)");
    }

    java.awt.Color awt() {
        return new java.awt.Color(r, g, b, (int) Math.round(a * 255));
    }
}
