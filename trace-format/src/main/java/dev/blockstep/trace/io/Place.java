package dev.blockstep.trace.io;

/** Where something is in a trace file: 1-based line and column, and a JSON path such as $.workload[3].offset. */
public record Place(long line, long column, String path) {
    public Place {
        // Jackson reports column 0 at the very end of input; an editor's first column is 1.
        line = Math.max(1, line);
        column = Math.max(1, column);
    }
}
