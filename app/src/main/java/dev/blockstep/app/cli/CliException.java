package dev.blockstep.app.cli;

/** A one-line user error; the command prints it after "blockstep: " and exits 1. */
final class CliException extends Exception {
    CliException(String message) {
        super(message);
    }
}
