package dev.blockstep.engine.block;

import dev.blockstep.engine.qcow2.format.ImageFormatException;

/** blockdev-mirror and active commit (qemu 7.2's block/mirror.c). Not modelled yet: starting one is refused. */
public final class MirrorJob {
    private MirrorJob() {
    }

    static BlockJob mirror(int id, String name, BlockNode node, BlockJobSpec.Mirror spec) throws ImageFormatException {
        throw new ImageFormatException(name + ": blockdev-mirror is not modelled yet");
    }

    static BlockJob activeCommit(int id, String name, BlockNode node) throws ImageFormatException {
        throw new ImageFormatException(name + ": active block-commit is not modelled yet");
    }
}
