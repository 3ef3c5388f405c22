package dev.blockstep.engine.explore;

import dev.blockstep.engine.image.HostFile;
import java.util.List;

/** Checks an end image's metadata; the default is the qemu-img check equivalent of engine.check. */
@FunctionalInterface
public interface MetadataCheck {

    /** @return the error lines; empty when consistent */
    List<String> errors(HostFile image);
}
