package dev.blockstep.engine.check;

/**
 * One change a repair made to the image file, in the order it made them: what a GUI shows as "what the
 * repair changed".
 *
 * @param offset byte offset in the file
 * @param length bytes written or punched; for GROW, the bytes added at the end
 */
public record RepairWrite(long offset, long length, Kind kind) {

    /** How the bytes changed. */
    public enum Kind {
        /** A pwrite of metadata (refcount block or table, L1 or L2 entries, header fields). */
        WRITE,
        /** A cluster whose refcount dropped to 0, discarded: it reads as zeros afterwards. */
        PUNCH,
        /** The file grew to hold a refcount block past its end. */
        GROW
    }
}
