package dev.blockstep.app.cli;

import dev.blockstep.engine.convert.ConvertCopy;
import dev.blockstep.engine.convert.ConvertSettings;
import dev.blockstep.engine.qcow2.BackingImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One qemu-img convert run, in img_convert's order of checks, so the first refusal is the one qemu-img prints. */
final class Convert {
    private static final List<String> CACHE_MODES = List.of("none", "off", "writeback", "unsafe", "directsync",
            "writethrough");

    private final ConvertArgs a;
    private final PrintWriter out;
    private final PrintWriter err;

    Convert(ConvertArgs a, PrintWriter out, PrintWriter err) {
        this.a = a;
        this.out = out;
        this.err = err;
    }

    private int fail(String line) {
        out.flush();
        err.println("qemu-img: " + line);
        return 1;
    }

    int run() {
        if (!a.errors.isEmpty()) {
            a.errors.forEach(err::println);
            return 1;
        }
        if (a.help) {
            out.println("usage: blockstep convert [-c] [-f fmt] [-O output_fmt] [-o options] [-B backing_file "
                    + "[-F backing_fmt]] [-n] [-S sparse_size] [-p] [-q] [-t cache] [-T src_cache] [-m num_coroutines] "
                    + "[-W] [-U] [--target-is-zero] [-C] SRC... DST (qemu-img convert, qemu 7.2)");
            return 0;
        }
        String outFmt = a.outFmt == null ? "raw" : a.outFmt;
        if (a.skipBroken && !a.bitmaps) {
            return fail("Use of --skip-broken-bitmaps requires --bitmaps");
        }
        if (a.compressed && a.copyRange) {
            return fail("Cannot enable copy offloading when -c is used");
        }
        if (a.explicitMinSparse && a.copyRange) {
            return fail("Cannot enable copy offloading when -S is used");
        }
        if (a.copyRange && a.salvage) {
            return fail("Cannot use copy offloading in salvaging mode");
        }
        if (a.targetImageOpts && !a.skipCreate) {
            return fail("--target-image-opts requires use of -n flag");
        }
        if (a.skipCreate && !a.options.isEmpty()) {
            return fail("-o has no effect when skipping image creation");
        }
        if (a.targetIsZero && !a.skipCreate) {
            return fail("--target-is-zero requires use of -n flag");
        }
        if (!a.unsupported.isEmpty()) {
            return fail("blockstep convert does not support " + a.unsupported.get(0));
        }
        int srcNum = a.operands.size() - 1;
        String target = srcNum >= 1 ? a.operands.get(srcNum) : null;
        List<CreateOption> options = CreateOption.of(a.options);
        if (CreateHelp.wanted(options)) {
            return CreateHelp.print(outFmt, target, out, err);
        }
        if (srcNum < 1) {
            return fail("Must specify image file name");
        }
        if (!CACHE_MODES.contains(a.srcCache)) {
            return fail("Invalid source cache option: " + a.srcCache);
        }
        ConvertProgress progress = new ConvertProgress(a.progress && !a.quiet, out);
        progress.print(0, 100);
        int ret = copy(outFmt, target, options, progress);
        if (ret == 0) {
            progress.print(100, 0);
        }
        progress.end();
        return ret;
    }

    private int copy(String outFmt, String target, List<CreateOption> options, ConvertProgress progress) {
        List<BackingImage> sources = new ArrayList<>();
        for (String name : a.operands.subList(0, a.operands.size() - 1)) {
            ConvertSources.Opened o = ConvertSources.open(name, a.fmt);
            if (o.error() != null) {
                return fail("Could not open '" + name + "': " + o.error());
            }
            sources.add(o.image());
        }
        String snapshotRefusal = snapshotRefusal(sources);
        if (snapshotRefusal != null) {
            return fail(snapshotRefusal);
        }
        String outBaseImg = a.outBaseImg;
        String backingFmt = a.backingFmt;
        String preallocation = null;
        boolean fromOptions = false;
        if (!a.skipCreate) {
            if (!outFmt.equals("qcow2") && !outFmt.equals("raw")) {
                return fail(ConvertSources.OTHER_QEMU_FORMATS.contains(outFmt)
                        ? "blockstep convert writes only qcow2 and raw images, not '" + outFmt + "'"
                        : "Unknown file format '" + outFmt + "'");
            }
            List<String> known = outFmt.equals("qcow2") ? ConvertTargets.QCOW2_OPTIONS : ConvertTargets.RAW_OPTIONS;
            for (CreateOption o : options) {
                if (!known.contains(o.key())) {
                    return fail("Invalid parameter '" + o.key() + "'");
                }
                switch (o.key()) {
                    case "backing_file" -> {
                        outBaseImg = a.outBaseImg == null ? o.value() : a.outBaseImg;
                        fromOptions = true;
                    }
                    case "backing_fmt" -> backingFmt = a.backingFmt == null ? o.value() : a.backingFmt;
                    case "preallocation" -> preallocation = o.value();
                    default -> { }
                }
            }
            if (outFmt.equals("raw") && a.outBaseImg != null) {
                return fail("Backing file not supported for file format 'raw'");
            }
            if (outFmt.equals("raw") && a.backingFmt != null) {
                return fail("Backing file format not supported for file format 'raw'");
            }
            fromOptions |= a.outBaseImg != null;
        }
        boolean targetHasBacking = outBaseImg != null;
        if (a.targetIsZero && targetHasBacking) {
            // img_convert leaves ret at 0 on this path: the line, then success
            fail("Cannot use --target-is-zero when the destination image has a backing file");
            return 0;
        }
        if (sources.size() > 1 && targetHasBacking) {
            return fail("Having a backing file for the target makes no sense when concatenating multiple input "
                    + "images");
        }
        if (fromOptions && backingFmt == null) {
            return fail("Use of backing file requires explicit backing format");
        }
        if (a.compressed && !a.skipCreate && outFmt.equals("raw")) {
            return fail("Compression not supported for this file format");
        }
        if (a.compressed && preallocation != null && !preallocation.equals("off")) {
            return fail("Compression and preallocation not supported at the same time");
        }
        long totalSectors = ConvertCommand.parts(sources).totalSectors();
        if (!a.skipCreate) {
            if (sameFileAsASource(target) && a.forceShare) {
                // qemu-img -U would truncate the source it is reading and copy what is left of it
                return fail(target + ": blockstep convert does not write over one of its sources");
            }
            if (sameFileAsASource(target)) {
                err.println("qemu-img: " + target + ": error while converting " + outFmt + ": Failed to get \"write\" "
                        + "lock");
                err.println("Is another process using the image [" + target + "]?");
                return 1;
            }
            String created = ConvertTargets.create(outFmt, target, a.options, a.outBaseImg, a.backingFmt,
                    totalSectors * 512);
            if (created != null) {
                return fail(target + ": error while converting " + outFmt + ": " + created);
            }
        }
        if (!CACHE_MODES.contains(a.cache)) {
            return fail("Invalid cache option: " + a.cache);
        }
        ConvertTargets.Opened t = ConvertTargets.open(target, outFmt, a);
        if (t.error() != null) {
            return fail("Could not open '" + target + "': " + t.error());
        }
        if (a.compressed && t.clusterSectors() == 0) {
            return fail("Compression not supported for this file format");
        }
        if (a.skipCreate && t.sectors() < totalSectors) {
            return fail("output file is smaller than input file");
        }
        long backingSectors = targetHasBacking && !a.skipCreate && t.backingSize() >= 0
                ? (t.backingSize() + 511) / 512 : -1;
        boolean hasZeroInit = a.targetIsZero || !a.skipCreate && a.minSparse != 0 && !targetHasBacking;
        ConvertSettings settings = ConvertCommand.settings(a, hasZeroInit, targetHasBacking, backingSectors,
                t.clusterSectors());
        ConvertCopy.Failure failed = new ConvertCopy(ConvertCommand.parts(sources), settings, t.target())
                .run(ConvertCommand.progress(progress));
        int ret = 0;
        if (failed != null) {
            out.flush();
            err.println("qemu-img: error while writing at byte " + failed.offset() + ": " + failed.strerror());
            ret = 1;
        }
        try {
            t.save();
        } catch (IOException | InvalidPathException e) {
            return fail(target + ": writing the image failed: " + e.getMessage());
        }
        return ret;
    }

    /** -l: blockstep opens no image with internal snapshots, so qemu's answer is that there is none. */
    private String snapshotRefusal(List<BackingImage> sources) {
        if (a.snapshot == null) {
            return null;
        }
        boolean byOptions = a.snapshot.startsWith("snapshot.");
        if (!byOptions && sources.size() > 1) {
            return "No support for concatenating multiple snapshot";
        }
        if (sources.get(0) instanceof BackingImage.Raw) {
            return "Failed to load snapshot: Block format 'raw' used by device '' does not support temporarily "
                    + "loading internal snapshots";
        }
        return "Failed to load snapshot: Can't find snapshot";
    }

    private boolean sameFileAsASource(String target) {
        try {
            Path t = Path.of(target);
            if (!Files.exists(t)) {
                return false;
            }
            for (String s : a.operands.subList(0, a.operands.size() - 1)) {
                if (Files.isSameFile(t, Path.of(s))) {
                    return true;
                }
            }
        } catch (IOException | InvalidPathException e) {
            return false;
        }
        return false;
    }
}
