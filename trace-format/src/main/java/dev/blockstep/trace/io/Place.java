package dev.blockstep.trace.io;

/** Where something is in a trace file: 1-based line and column, and a JSON path such as $.workload[3].offset. */
public record Place(long line, long column, String path) {
}
