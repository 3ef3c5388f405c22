package dev.blockstep.app.cli;

import dev.blockstep.engine.convert.ConvertCopy;
import dev.blockstep.engine.convert.ConvertSettings;
import dev.blockstep.engine.convert.SourceParts;
import dev.blockstep.engine.qcow2.BackingImage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep convert}: qemu-img convert (qemu 7.2) from qcow2 and raw sources (with their backing chains) to a
 * new or existing ({@code -n}) qcow2 or raw target, with qemu-img's lines and exit status. The target is created
 * by {@code blockstep create}'s code and written through the engine's qcow2 request paths, in guest order, which is
 * what qemu-img does with its default in-order writes; {@code -W} (out-of-order writes) is accepted and written in
 * order too. qemu-img's command line is read with getopt's rules, so {@link dev.blockstep.app.Main} hands the words
 * to {@link #run} without picocli; this class also lists the command in {@code blockstep help}.
 */
@Command(name = "convert",
        description = "Copy qcow2 or raw images into a new or existing (-n) qcow2 or raw image, as qemu-img convert "
                + "(qemu 7.2) does: [-c] [-f fmt] [-O output_fmt] [-o options] [-B backing_file [-F backing_fmt]] "
                + "[-n] [-S sparse_size] [-p] [-q] [-t cache] [-T src_cache] [-m num_coroutines] [-W] [-U] "
                + "[--target-is-zero] [-C] SRC... DST. Writes go in guest order also with -W; -l snapshots, "
                + "--object, --image-opts, --target-image-opts, --salvage and --bitmaps are refused.")
public final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "qemu-img convert's options and files.")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        return run(words, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The command on its words (those after "convert"), printing on {@code out} and {@code err}. */
    public static int run(List<String> words, PrintWriter out, PrintWriter err) {
        try {
            return new Convert(ConvertArgs.parse(words), out, err).run();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // an engine bug or a resource limit: one line, no stack trace
            out.flush();
            err.println(CliErrors.line("blockstep convert", words.isEmpty() ? null : words.get(words.size() - 1), e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The SourceParts of the opened sources. */
    static SourceParts parts(List<BackingImage> images) {
        return new SourceParts(images.stream().map(SourceParts.Part::of).toList());
    }

    /** qemu-img's progress figure for the copy. */
    static ConvertCopy.Progress progress(ConvertProgress p) {
        return percent -> p.print(percent, 0);
    }

    /** The settings img_convert derives for the copy. */
    static ConvertSettings settings(ConvertArgs a, boolean hasZeroInit, boolean targetHasBacking,
                                    long targetBackingSectors, long clusterSectors) {
        long buf = a.compressed ? clusterSectors : ConvertSettings.DEFAULT_BUF_SECTORS;
        return new ConvertSettings(a.compressed, a.minSparse, hasZeroInit, targetHasBacking, targetBackingSectors,
                clusterSectors, buf, ConvertSettings.alignmentFor(a.minSparse), a.copyRange);
    }
}
