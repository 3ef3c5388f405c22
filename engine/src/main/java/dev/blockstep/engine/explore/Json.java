package dev.blockstep.engine.explore;

import java.util.List;

/** Minimal JSON text for reports: strings escaped, lists joined. */
public final class Json {
    private Json() {
    }

    public static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static String strings(List<String> l) {
        return "[" + String.join(", ", l.stream().map(Json::str).toList()) + "]";
    }

    /** A verdict as a JSON object. */
    public static String verdict(Verdict v) {
        return "{\"bad\": " + v.bad() + ", \"corrupt\": " + v.corrupt() + ", \"check\": " + strings(v.checkLines())
                + ", \"drift\": " + strings(v.drifts().stream().map(Drift::toString).toList()) + ", \"stderr\": "
                + strings(v.stderr()) + ", \"hang\": " + v.stuck() + "}";
    }
}
