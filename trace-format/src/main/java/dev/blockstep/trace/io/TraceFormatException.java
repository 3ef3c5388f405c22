package dev.blockstep.trace.io;

/**
 * Bad trace input, as one line: {@code FILE:LINE:COLUMN: JSONPATH: expected ..., got ...}. Line and column are
 * 1-based and point at the offending token.
 */
public final class TraceFormatException extends Exception {

    private final String file;
    private final Place place;
    private final String problem;

    /** Quoted input longer than this is cut in messages, so a huge value is never echoed back whole. */
    private static final java.util.regex.Pattern LONG_QUOTE = java.util.regex.Pattern.compile("\"([^\"]{60})[^\"]{4,}\"");

    public TraceFormatException(String file, Place place, String problem) {
        super(file + ":" + place.line() + ":" + place.column() + ": " + place.path() + ": " + shorten(problem));
        this.file = file;
        this.place = place;
        this.problem = shorten(problem);
    }

    private static String shorten(String problem) {
        return LONG_QUOTE.matcher(problem).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                "\"" + m.group(1) + "...\" (" + (m.group().length() - 2) + " characters)"));
    }

    public String file() {
        return file;
    }

    public Place place() {
        return place;
    }

    public String problem() {
        return problem;
    }
}
