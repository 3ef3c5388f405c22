package dev.blockstep.trace.importer;

/** Bad importer input, as one line naming the file and line: {@code FILE:LINE: what was expected}. */
public final class ImportException extends Exception {

    public ImportException(String file, long line, String problem) {
        super(file + ":" + line + ": " + problem);
    }
}
