package dev.blockstep.engine.qcow2.format;

/**
 * An image that qemu would refuse, or that blockstep cannot model. The message is one line naming the
 * file, the place (field and byte offset) and what was expected, so the CLI prints it as it is.
 */
public final class ImageFormatException extends Exception {
    public ImageFormatException(String message) {
        super(message);
    }
}
