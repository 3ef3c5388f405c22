package dev.blockstep.engine.image;

/** An image file that cannot be opened as qemu's file driver would open it; the message is one line. */
public final class ImageFileException extends Exception {
    public ImageFileException(String message) {
        super(message);
    }
}
