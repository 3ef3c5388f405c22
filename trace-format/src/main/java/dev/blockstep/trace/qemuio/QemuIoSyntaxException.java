package dev.blockstep.trace.qemuio;

/**
 * A qemu-io command line that qemu-io would refuse (or blockstep cannot run).
 *
 * <p>{@link #qemuText()} is what qemu-io itself prints (e.g. {@code -u requires -z to be specified}),
 * {@link #toStderr()} says whether qemu-io prints it to stderr, and {@link #getMessage()} is one line
 * naming the source and line for errors in script files.
 */
public final class QemuIoSyntaxException extends Exception {
    private final String qemuText;
    private final boolean toStderr;
    private final String usage;

    public QemuIoSyntaxException(String where, String qemuText, boolean toStderr) {
        this(where, qemuText, toStderr, null);
    }

    /** getopt's complaint on stderr, then the command's usage line on stdout ({@code usage} may be null). */
    public QemuIoSyntaxException(String where, String qemuText, boolean toStderr, String usage) {
        super(where + ": " + qemuText);
        this.qemuText = qemuText;
        this.toStderr = toStderr;
        this.usage = usage;
    }

    /** The usage line qemu-io prints on stdout after the error, or null. */
    public String usage() {
        return usage;
    }

    public String qemuText() {
        return qemuText;
    }

    public boolean toStderr() {
        return toStderr;
    }
}
