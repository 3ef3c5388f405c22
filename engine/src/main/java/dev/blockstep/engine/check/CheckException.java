package dev.blockstep.engine.check;

/**
 * The check could not run or could not finish. The message is the one line qemu-img prints after its
 * program-name prefix, and {@link #exitCode()} is the code qemu-img exits with.
 */
public final class CheckException extends Exception {

    /** Why the check stopped, each with the exit code qemu-img uses for it. */
    public enum Kind {
        /** The file is not an image format with a check (qemu probes it as raw): exit 63. */
        NO_CHECK_FOR_FORMAT(63),
        /** The image could not be opened: exit 1. */
        OPEN_FAILED(1),
        /** The check itself failed part-way, e.g. the file is too large: exit 1. */
        CHECK_FAILED(1);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;

    public CheckException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public int exitCode() {
        return kind.exitCode;
    }

    static CheckException openFailed(String file, String why) {
        return new CheckException(Kind.OPEN_FAILED, "Could not open '" + file + "': " + why);
    }
}
