package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.OptionValues;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;

/**
 * One file qemu-io has open, from its open to its close: the image (a copy the engine changes), its backing chain,
 * the node's options and qemu-io's flags for it.
 *
 * @param name      the name qemu-io opened it by (null for the empty image of a script with no file open)
 * @param readOnly  opened read-only (-r, or read-only=on)
 * @param stack     the BlockBackend's cache mode and the node's open flags
 * @param settings  the node's options as the open left them
 */
public record QemuIoSession(HostFile file, BackingImage backing, String name, Header header, boolean readOnly,
                            boolean copyOnRead, BlockStack stack, NodeSettings settings) {

    /** The session a file opened with qemu-io's defaults and {@code readOnly} makes; the options are checked. */
    public static QemuIoSession of(HostFile file, BackingImage backing, String name, boolean readOnly,
                                   boolean copyOnRead, BlockStack stack) {
        try {
            Header h = header(file, name);
            return new QemuIoSession(file, backing, name, h, readOnly, copyOnRead, stack,
                    NodeSettings.open(null, h, name, readOnly, stack.unmap(), stack.noFlush()));
        } catch (OptionValues.OptionException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** The header of the qcow2 image in {@code file}. */
    public static Header header(HostFile file, String name) {
        try {
            return Header.parse(file.read(0, (int) Math.min(file.length(), 4096)), file.length(), name);
        } catch (ImageFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** No file open: an empty image that no command reaches and nothing writes back. */
    static QemuIoSession none() {
        try {
            HostFile empty = Qcow2Create.create(0, 65536);
            return of(empty, null, "", false, false, BlockStack.QEMU_IO);
        } catch (Qcow2Create.CreateException e) {
            throw new IllegalStateException("an empty qcow2 image could not be made: " + e.getMessage(), e);
        }
    }
}
