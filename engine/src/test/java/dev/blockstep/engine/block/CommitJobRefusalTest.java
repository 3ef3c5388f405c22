package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import org.junit.jupiter.api.Test;

/** A block-commit that has nothing to commit, or no base to commit into, is refused with one line. */
class CommitJobRefusalTest {
    private static final int CS = 65536;

    private static BlockNode node(HostFile image, BackingImage backing) throws Exception {
        BlockNode n = new BlockNode(FixVariant.NONE);
        n.attach(Qcow2Driver.open(image, "top.qcow2", n.eventSink(), backing == null ? null : link -> backing));
        return n;
    }

    @Test
    void anImageWithoutABackingFileHasNothingToCommit() throws Exception {
        BlockNode n = node(Qcow2Create.create(1 << 20, CS), null);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> CommitJob.start(1, "c0", n, "b"));
        assertEquals("c0: block-commit: expected a qcow2 backing image under the node to commit, got none",
                e.getMessage());
    }

    @Test
    void aBackingImageWithoutOneBelowHasNoBase() throws Exception {
        BackingImage mid = new BackingImage.Qcow2(Qcow2Driver.open(Qcow2Create.create(1 << 20, CS), "mid.qcow2",
                EngineEventSink.NONE));
        BlockNode n = node(Qcow2Create.create(1 << 20, CS, new BackingFile("mid.qcow2", "qcow2")), mid);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> CommitJob.start(1, "c0", n, "b"));
        assertEquals("c0: block-commit: expected a qcow2 base under mid.qcow2, got none", e.getMessage());
    }

    @Test
    void aBaseSmallerThanTheCommittedImageIsRefused() throws Exception {
        BackingImage base = new BackingImage.Qcow2(Qcow2Driver.open(Qcow2Create.create(1 << 19, CS), "base.qcow2",
                EngineEventSink.NONE));
        BackingImage mid = new BackingImage.Qcow2(Qcow2Driver.open(Qcow2Create.create(1 << 20, CS,
                new BackingFile("base.qcow2", "qcow2")), "mid.qcow2", EngineEventSink.NONE, link -> base));
        BlockNode n = node(Qcow2Create.create(1 << 20, CS, new BackingFile("mid.qcow2", "qcow2")), mid);
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> CommitJob.start(1, "c0", n, "b"));
        assertEquals("c0: block-commit: base base.qcow2 is smaller than mid.qcow2 (524288 < 1048576 bytes); "
                + "blockstep does not model growing the base", e.getMessage());
    }
}
