package dev.blockstep.app.cli;

/** The backing-file options qemu-img create 7.2 refuses before it opens anything, with its text. */
final class BackingLinks {
    private BackingLinks() {
    }

    /** Why {@code -b}/{@code -F} are refused, or null when they may be used. */
    static String refusal(String backingFile, String backingFormat) {
        if (backingFile == null) {
            return "Backing format cannot be used without backing file";
        }
        if (backingFile.isEmpty()) {
            return "Expected backing file name, got empty string";
        }
        if (backingFormat == null) {
            return "Backing file specified without backing format";
        }
        if (!backingFormat.equals("qcow2") && !backingFormat.equals("raw")) {
            return "Backing format '" + backingFormat + "' is not supported by blockstep (qcow2 or raw)";
        }
        return null;
    }

    /** The format qemu's probe finds for a backing file given without -F: qcow2 by its magic, else raw. */
    static String probe(java.nio.file.Path file) throws java.io.IOException {
        byte[] magic = new byte[4];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            return n == 4 && magic[0] == 'Q' && magic[1] == 'F' && magic[2] == 'I' && magic[3] == (byte) 0xfb
                    ? "qcow2" : "raw";
        }
    }
}
