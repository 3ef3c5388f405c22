package dev.blockstep.app.diagram;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The light theme's colour tokens, read from theme.css (the only place colours are defined), so an exported
 * diagram looks like the window without a second copy of the palette.
 */
public final class ThemeColours {

    private static final String THEME = "/dev/blockstep/app/gui/theme.css";
    private static final Pattern TOKEN = Pattern.compile("-bs-([a-z0-9-]+):\\s*([^;]+);");

    private final Map<String, String> tokens;

    private ThemeColours(Map<String, String> tokens) {
        this.tokens = Map.copyOf(tokens);
    }

    /** The tokens of theme.css's first block (.root, the light theme). */
    public static ThemeColours light() {
        try (InputStream in = ThemeColours.class.getResourceAsStream(THEME)) {
            if (in == null) {
                throw new IllegalStateException(THEME + ": missing from the classpath");
            }
            String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = css.indexOf('}');
            Map<String, String> out = new HashMap<>();
            Matcher m = TOKEN.matcher(end < 0 ? css : css.substring(0, end));
            while (m.find()) {
                out.put(m.group(1), m.group(2).strip());
            }
            return new ThemeColours(out);
        } catch (IOException e) {
            throw new IllegalStateException(THEME + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The colour of token -bs-NAME. */
    public String get(String name) {
        String c = tokens.get(name);
        if (c == null) {
            throw new IllegalArgumentException("theme.css has no colour token -bs-" + name);
        }
        return c;
    }
}
