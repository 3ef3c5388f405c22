package dev.blockstep.trace.io;

/**
 * Bad trace input, as one line: {@code FILE:LINE:COLUMN: JSONPATH: expected ..., got ...}. Line and column are
 * 1-based and point at the offending token.
 */
public final class TraceFormatException extends Exception {

    private final String file;
    private final Place place;
    private final String problem;

    public TraceFormatException(String file, Place place, String problem) {
        super(file + ":" + place.line() + ":" + place.column() + ": " + place.path() + ": " + problem);
        this.file = file;
        this.place = place;
        this.problem = problem;
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
