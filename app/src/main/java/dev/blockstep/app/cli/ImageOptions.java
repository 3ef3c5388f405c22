package dev.blockstep.app.cli;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.qemuio.Cvtnum;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The image an imported trace starts from: a fresh image of a size, or a base image next to the trace with the
 * backing chain its header names.
 */
final class ImageOptions {

    @Option(names = "--size", paramLabel = "SIZE", description = "virtual size of the fresh image (default: 16M)")
    String size = "16M";

    @Option(names = "--cluster-size", paramLabel = "SIZE", description = "cluster size (default: 64k)")
    String clusterSize = "64k";

    @Option(names = "--base", paramLabel = "IMAGE",
            description = "start from this qcow2 file instead, with the backing chain its header names; every "
                    + "image must lie in the trace's directory")
    Path base;

    @Option(names = "--setup", paramLabel = "SCRIPT",
            description = "qemu-io commands run serially in a session of their own before the workload")
    Path setup;

    ImageSetup resolve(Path trace) throws CliException {
        List<Command> setupCommands = List.of();
        if (setup != null) {
            try {
                setupCommands = QemuIoScriptImporter.setup(CliFiles.read(setup), setup.getFileName().toString());
            } catch (ImportException e) {
                throw new CliException(e.getMessage());
            }
        }
        if (base != null) {
            return new ImageSetup.Base(insideTraceDir(trace, base, "--base " + base), sha256(base), setupCommands,
                    BaseChain.below(base, (file, what) -> new String[] {insideTraceDir(trace, file, what),
                        sha256(file)}));
        }
        long virtualSize = number("--size", size);
        long cluster = number("--cluster-size", clusterSize);
        if (virtualSize <= 0 || virtualSize % 512 != 0) {
            throw new CliException("--size " + size + ": expected a positive multiple of 512");
        }
        if (cluster < 512 || cluster > 2 * 1024 * 1024 || Long.bitCount(cluster) != 1) {
            throw new CliException("--cluster-size " + clusterSize + ": expected a power of two from 512 to 2M");
        }
        return new ImageSetup.Fresh(virtualSize, (int) cluster, setupCommands);
    }

    private static long number(String option, String text) throws CliException {
        try {
            return Cvtnum.parse(text);
        } catch (Cvtnum.NumberException e) {
            throw new CliException(option + " " + text + ": " + e.getMessage());
        }
    }

    /**
     * An image's path relative to the trace's directory (the base image, or a file of its backing chain); both are
     * judged on real paths, so neither a "..", nor a symlink can lead out of the directory. {@code what} names the
     * image in errors.
     */
    private static String insideTraceDir(Path trace, Path image, String what) throws CliException {
        CliFiles.requireRegular(image);
        Path dir = CliFiles.real(trace).getParent();
        Path real = CliFiles.real(image);
        if (dir == null || !real.startsWith(dir) || real.equals(dir)) {
            throw new CliException(what + ": expected an image in the trace's directory " + dir + ", got " + real);
        }
        Path rel = dir.relativize(CliFiles.real(image.toAbsolutePath().getParent()).resolve(image.getFileName()));
        String relText = rel.toString().replace('\\', '/');
        if (rel.isAbsolute() || relText.startsWith("..") || relText.isEmpty()) {
            throw new CliException(what + ": expected an image in the trace's directory " + dir);
        }
        return relText;
    }

    private static String sha256(Path file) throws CliException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
