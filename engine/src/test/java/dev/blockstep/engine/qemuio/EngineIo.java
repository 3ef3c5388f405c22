package dev.blockstep.engine.qemuio;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import java.util.ArrayList;
import java.util.List;

/** Runs a script as {@code blockstep io -c ... -c ...} does (no prompts) and keeps what it printed. */
public final class EngineIo {
    /** stdout split into lines (timing lines included), stderr lines, the image at the end. */
    public record Run(List<String> out, List<String> err, HostFile file, boolean failed) {
    }

    private EngineIo() {
    }

    /** FIFO order, fix off: what {@code blockstep io} does without {@code --seed}. */
    public static Run run(HostFile image, List<String> script) {
        return run(image, script, null);
    }

    public static Run run(HostFile image, List<String> script, Long seed) {
        StringBuilder out = new StringBuilder();
        List<String> err = new ArrayList<>();
        QemuIoScript.Result r = QemuIoScript.run(image, "img", script, i -> "-c #" + (i + 1), false, FixVariant.NONE, seed,
                new QemuIoScript.Console() {
                    @Override
                    public void out(String text) {
                        out.append(text);
                    }

                    @Override
                    public void err(String line) {
                        err.add(line);
                    }
                });
        List<String> lines = out.isEmpty() ? List.of() : List.of(out.toString().split("\n"));
        return new Run(lines, err, r.file(), r.failed());
    }
}
