package dev.blockstep.engine.race;

import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.testing.Qemu;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Our checker and the real qemu-img check on the same exported file. */
final class Checks {
    private Checks() {
    }

    record Output(int exit, String stdout, String stderr) {
        boolean clean() {
            return exit == 0;
        }
    }

    static Output ours(Path image) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ImageCheck.run(image, image.toString(), CheckReport.Format.HUMAN, new PrintWriter(out),
                new PrintWriter(err));
        return new Output(exit, out.toString(), err.toString());
    }

    static Output qemu(Path image) {
        Qemu.Result r = Qemu.img("check", image.toString());
        return new Output(r.exitCode(), r.stdout(), r.stderr());
    }
}
