package dev.blockstep.app.cli;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.check.DirtyImageRepair;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The image {@code blockstep io} runs on: the user's file as loaded ({@code original}, to write the changes back),
 * the copy the engine changes and its backing chain; or none, when qemu-io has no file open (path null).
 */
record Opened(String name, Path path, HostFile original, HostFile file, BackingImage backing) {

    /**
     * Loads {@code name} and opens it once, to report a bad image as qemu-io does and to open its backing chain
     * (read-only); with {@code snapshot}, the engine runs on a temporary overlay over it instead.
     */
    static Opened open(String name, boolean snapshot) throws ImageFileException, ImageFormatException,
            Qcow2Create.CreateException {
        Path path = Path.of(name);
        HostFile original = ImageFiles.load(path, name);
        HostFile file = original.copy();
        BackingImage backing = Qcow2Driver.open(file, name, EngineEventSink.NONE, BackingChain.of(path))
                .backingImage();
        if (snapshot) {
            // bdrv_append_temp_snapshot: a fresh qcow2 of the image's size, qemu-img's defaults, over the image
            backing = BackingChain.openReadOnly(path, "qcow2");
            file = Qcow2Create.create(backing.size(), Qcow2Create.Options.defaults(65536),
                    new BackingFile(path.toAbsolutePath().toString(), "qcow2"));
        }
        return new Opened(name, path, original, file, backing);
    }

    /**
     * Opens {@code name} read-write as qemu-img's subcommands do: a dirty lazy-refcounts image is repaired on the
     * engine's copy first (qcow2_do_open), the check's lines going to {@code err}.
     */
    static Opened openReadWrite(String name, Consumer<String> err) throws ImageFileException, ImageFormatException,
            Qcow2Create.CreateException {
        Opened img = open(name, false);
        DirtyImageRepair.onReadWriteOpen(img.file(), name, err);
        return img;
    }
}
