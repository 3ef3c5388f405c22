package dev.blockstep.app.cli;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
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
 * {@code blockstep create}: writes the same bytes as {@code qemu-img create -f qcow2 [-o cluster_size=N] IMAGE
 * SIZE} (qemu 7.2) and prints what qemu-img prints.
 */
@Command(name = "create",
        description = "Create a qcow2 image byte-identical to what qemu-img create -f qcow2 (qemu 7.2) writes.",
        mixinStandardHelpOptions = true)
public final class CreateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "-o", paramLabel = "cluster_size=N", description = "Format options; only cluster_size is supported.")
    List<String> options = new ArrayList<>();

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
        if (size == null) {
            err.println("qemu-img: " + image + ": Image creation needs a size parameter");
            err.flush();
            return 1;
        }
        long bytes;
        try {
            bytes = Cvtnum.parse(size);
        } catch (Cvtnum.NumberException e) {
            err.println("qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for");
            err.println("qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
            err.flush();
            return 1;
        }
        out.println(Qcow2Create.formattingLine(image, bytes, clusterSize));
        out.flush();
        try {
            HostFile f = Qcow2Create.create(bytes, clusterSize);
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
