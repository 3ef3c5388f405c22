package dev.blockstep.engine.check;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Hand edits of an image file, for building corrupted images. */
@FunctionalInterface
interface ImagePatch {

    void apply(RandomAccessFile f) throws IOException;

    static ImagePatch be64(long offset, long value) {
        return f -> {
            f.seek(offset);
            f.writeLong(value);
        };
    }

    static ImagePatch be32(long offset, int value) {
        return f -> {
            f.seek(offset);
            f.writeInt(value);
        };
    }

    static ImagePatch be16(long offset, int value) {
        return f -> {
            f.seek(offset);
            f.writeShort(value);
        };
    }

    static ImagePatch truncate(long length) {
        return f -> f.setLength(length);
    }

    static void applyAll(Path image, ImagePatch... patches) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            for (ImagePatch p : patches) {
                p.apply(f);
            }
        }
    }
}
