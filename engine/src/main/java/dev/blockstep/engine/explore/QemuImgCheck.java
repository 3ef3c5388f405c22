package dev.blockstep.engine.explore;

import dev.blockstep.engine.check.CheckException;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.image.HostFile;
import java.util.ArrayList;
import java.util.List;

/** {@code qemu-img check} on the in-memory end image: corruptions or an unfinished check are errors; leaks are not. */
public final class QemuImgCheck implements MetadataCheck {

    @Override
    public List<String> errors(HostFile image) {
        List<String> lines = new ArrayList<>();
        try {
            CheckResult r = ImageCheck.check(ImageBytes.of(image), "image", lines::add);
            if (r.corruptions() == 0 && r.checkErrors() == 0) {
                return List.of();
            }
            List<String> errs = new ArrayList<>();
            for (String l : lines) {
                if (l.startsWith("ERROR")) {
                    errs.add(l);
                }
            }
            if (errs.isEmpty()) {
                errs.add(r.corruptions() + " corruptions, " + r.checkErrors() + " check errors");
            }
            return errs;
        } catch (CheckException e) {
            return List.of("check failed: " + e.getMessage());
        }
    }
}
