package dev.blockstep.app.cli;

/**
 * A one-line user error; the command prints it after "blockstep: " and exits 1. Public for the window, which
 * resolves a base image's backing chain with {@link BaseChain} as the commands do and shows the same line.
 */
public final class CliException extends Exception {
    public CliException(String message) {
        super(message);
    }
}
