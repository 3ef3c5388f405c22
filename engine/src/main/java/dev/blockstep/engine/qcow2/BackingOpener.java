package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;

/** Opens the backing file a qcow2 header names, read-only (see {@link BackingChain}). */
@FunctionalInterface
public interface BackingOpener {
    BackingImage open(BackingFile link) throws ImageFormatException;
}
