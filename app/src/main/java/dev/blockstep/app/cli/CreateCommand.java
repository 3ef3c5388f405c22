package dev.blockstep.app.cli;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.qemuio.Cvtnum;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blockstep create}: writes the same bytes as {@code qemu-img create -f qcow2 [-o cluster_size=N]
 * [-b BACKING -F FMT] IMAGE [SIZE]} (qemu 7.2) and prints what qemu-img prints. The backing image is opened
 * read-only, to check it and to take the size from it when SIZE is omitted.
 */
@Command(name = "create",
        description = "Create a qcow2 image byte-identical to what qemu-img create -f qcow2 (qemu 7.2) writes.",
        mixinStandardHelpOptions = true)
public final class CreateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-o", paramLabel = "cluster_size=N", description = "Format options; only cluster_size is supported.")
    List<String> options = new ArrayList<>();

    @Option(names = "-b", paramLabel = "BACKING_FILE",
            description = "Backing file, stored as given and resolved relative to IMAGE's directory.")
    String backingFile;

    @Option(names = "-F", paramLabel = "BACKING_FMT", description = "Format of the backing file: qcow2 or raw.")
    String backingFormat;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image file to write.")
    String image;

    @Parameters(index = "1", paramLabel = "SIZE", arity = "0..1",
            description = "Virtual size in bytes, with an optional k, M, G, T, P or E suffix.")
    String size;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        int clusterSize = 65536;
        for (String opt : options) {
            for (String kv : opt.split(",")) {
                String[] p = kv.split("=", 2);
                if (!p[0].equals("cluster_size") || p.length < 2) {
                    err.println("qemu-img: " + image + ": Invalid parameter '" + p[0] + "'");
                    err.flush();
                    return 1;
                }
                try {
                    long v = Cvtnum.parse(p[1]);
                    clusterSize = v > Integer.MAX_VALUE ? -1 : (int) v;
                } catch (Cvtnum.NumberException e) {
                    err.println("qemu-img: " + image + ": Parameter 'cluster_size' expects a non-negative number below 2^64");
                    err.flush();
                    return 1;
                }
            }
        }
        BackingFile backing = null;
        BackingImage backingImage = null;
        if (backingFile != null || backingFormat != null) {
            String refusal = BackingLinks.refusal(backingFile, backingFormat);
            if (refusal != null) {
                err.println("qemu-img: " + image + ": " + refusal);
                err.flush();
                return 1;
            }
            backing = new BackingFile(backingFile, backingFormat);
            try {
                backingImage = BackingChain.openReadOnly(BackingChain.resolve(Path.of(image), backing), backingFormat);
            } catch (ImageFormatException | InvalidPathException e) {
                err.println("qemu-img: " + image + ": " + e.getMessage());
                err.println("Could not open backing image.");
                err.flush();
                return 1;
            }
        }
        if (size == null && backingImage == null) {
            err.println("qemu-img: " + image + ": Image creation needs a size parameter");
            err.flush();
            return 1;
        }
        long bytes;
        try {
            bytes = size == null ? backingImage.size() : Cvtnum.parse(size);
        } catch (Cvtnum.NumberException e) {
            err.println("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
            err.println("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            err.flush();
            return 1;
        }
        out.println(Qcow2Create.formattingLine(image, bytes, clusterSize, backing));
        out.flush();
        try {
            HostFile f = Qcow2Create.create(bytes, clusterSize, backing);
            f.save(Path.of(image));
            return 0;
        } catch (Qcow2Create.CreateException e) {
            err.println("qemu-img: " + image + ": " + e.getMessage());
        } catch (IOException | InvalidPathException e) {
            err.println("qemu-img: " + image + ": Could not create '" + image + "': " + e.getMessage());
        }
        err.flush();
        return 1;
    }
}
