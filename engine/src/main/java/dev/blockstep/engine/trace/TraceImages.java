package dev.blockstep.engine.trace;

import dev.blockstep.engine.check.DirtyImageRepair;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.image.ImageFiles;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.BackingOpener;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.importer.QemuIoMapping;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The image a trace's workload starts from: a fresh image or the base file next to the trace, after the setup
 * commands ran in a session of their own (so, as with a separate qemu-io run, the workload's session opens the
 * image again and free_cluster_index starts at 0).
 */
public final class TraceImages {

    private TraceImages() {
    }

    /**
     * The image a workload starts from and the chain below it (null without one).
     *
     * @param repair what qemu's read-write open repaired in the base file (its dirty bit was set), or null
     */
    public record Start(HostFile image, BackingImage backing, OpenRepair repair) {
    }

    /** @param traceDir the directory of the trace file, against which a base image path is resolved */
    public static HostFile startImage(ImageSetup image, Path traceDir, String name) throws TraceReplayException {
        return start(image, traceDir, name).image();
    }

    /**
     * The start image and its backing chain, built from the trace alone: each layer is made (or loaded from
     * next to the trace) and set up bottom first, each setup session running over the layers below it, and a
     * base file's header link must name the layer the trace gives it.
     */
    public static Start start(ImageSetup image, Path traceDir, String name) throws TraceReplayException {
        return start(image, traceDir, name, "image", true);
    }

    /** Whether building {@code image} reads a base file (its own or one of its chain's), so needs a trace file. */
    public static boolean fileBased(ImageSetup image) {
        return image instanceof ImageSetup.Base
                || BackingLayer.below(image).stream().anyMatch(l -> l.image() instanceof ImageSetup.Base);
    }

    /**
     * {@link #start(ImageSetup, Path, String)} for an image the trace describes at {@code where}, which qemu opens
     * read-write ({@code readWrite}: the node the workload or a job writes) or only as a backing file.
     */
    static Start start(ImageSetup image, Path traceDir, String name, String where, boolean readWrite)
            throws TraceReplayException {
        BackingLayer layer = image.backing();
        BackingImage below = null;
        if (layer != null) {
            String lowerWhere = where + ".backing.image";
            Start lower = start(layer.image(), traceDir, name, lowerWhere, false);
            try {
                below = new BackingImage.Qcow2(Qcow2Driver.open(lower.image(), layer.name(), EngineEventSink.NONE,
                        opener(layer.image(), lower.backing(),
                                name + ": " + lowerWhere)));
            } catch (ImageFormatException e) {
                throw new TraceReplayException(name + ": " + lowerWhere + ": " + e.getMessage());
            }
        }
        HostFile file;
        OpenRepair repair = null;
        if (image instanceof ImageSetup.Fresh f) {
            try {
                file = layer == null ? Qcow2Create.create(f.virtualSize(), f.clusterSize())
                        : Qcow2Create.create(f.virtualSize(), f.clusterSize(), new BackingFile(layer.name(),
                        layer.format()));
            } catch (Qcow2Create.CreateException e) {
                throw new TraceReplayException(name + ": " + where + ": " + e.getMessage());
            }
        } else {
            ImageSetup.Base b = (ImageSetup.Base) image;
            Path path = traceDir.resolve(b.path());
            try {
                file = ImageFiles.loadBase(traceDir, b.path());
            } catch (ImageFileException e) {
                throw new TraceReplayException(name + ": " + where + ".base: " + e.getMessage());
            }
            if (b.sha256() != null && !b.sha256().equals(sha256(file))) {
                throw new TraceReplayException(name + ": " + where + ".base: " + path + " has SHA-256 " + sha256(file)
                        + ", the trace expects " + b.sha256());
            }
            checkRanges(image.setup(), file, name + ": " + where + ".setup");
            // Opened here, on a copy, so a bad header is the user's input error naming the base image, not an
            // engine failure later.
            try {
                Qcow2Driver.open(file.copy(), b.path(), EngineEventSink.NONE, opener(image, below, ""));
            } catch (ImageFormatException e) {
                throw new TraceReplayException(name + ": " + where + ".base: " + e.getMessage());
            }
            // a backing file is opened read-only and left dirty; a layer the setup writes is opened read-write
            // by the setup's own session, which repairs it first, as the workload's session does the top
            if (readWrite || !image.setup().isEmpty()) {
                try {
                    repair = DirtyImageRepair.onReadWriteOpen(file, b.path(), line -> { });
                } catch (ImageFormatException e) {
                    throw new TraceReplayException(name + ": " + where + ".base: " + e.getMessage());
                }
            }
        }
        if (!image.setup().isEmpty()) {
            List<QemuIoCommand> setup = image.setup().stream().map(QemuIoMapping::toQemuIo).toList();
            ScriptRun run = ScriptRun.run(file, below, name, setup, FixVariant.NONE, null);
            if (run.stuck()) {
                throw new TraceReplayException(name + ": " + where + ".setup: the setup commands could not finish");
            }
            file = run.file();
        }
        return new Start(file, below, readWrite ? repair : null);
    }

    /**
     * Opens the backing link an image's header names as the trace's layer below it: the chain already built,
     * after checking that the header names that layer (a base file could name any path).
     */
    private static BackingOpener opener(ImageSetup image, BackingImage below, String where) {
        BackingLayer layer = image.backing();
        if (layer == null) {
            return null;
        }
        BackingFile expected = new BackingFile(layer.name(), layer.format());
        return link -> {
            if (!link.equals(expected)) {
                throw new ImageFormatException((where.isEmpty() ? "" : where + ": ") + "the header names backing file "
                        + link.name() + " (format " + (link.format().isEmpty() ? "unset" : link.format())
                        + "), expected " + expected.name() + " (format " + expected.format() + ") as the trace's "
                        + "backing says");
            }
            return below;
        };
    }

    /** {@link #checkRanges} for a trace's workload on a base image (the reader already checked fresh images). */
    public static void checkWorkload(dev.blockstep.trace.Trace trace, HostFile image, String name)
            throws TraceReplayException {
        if (trace.image() instanceof ImageSetup.Base) {
            checkRanges(trace.workload(), image, name + ": workload");
        }
    }

    /** {@link #checkWorkload} for a trace file's workload, streamed from disk. */
    public static void checkWorkload(TraceFile file, HostFile image, String name) throws TraceReplayException {
        if (!(file.header().image() instanceof ImageSetup.Base)) {
            return;
        }
        try (TraceFile.CommandStream s = file.commands()) {
            long i = 0;
            for (Command c = s.next(); c != null; c = s.next(), i++) {
                checkRange(c, image, name + ": workload", i);
            }
        } catch (TraceFormatException e) {
            throw new TraceReplayException(e.getMessage());
        }
    }

    /**
     * Refuses requests that reach past the virtual size of a base image, as the trace reader does for a fresh
     * image (qemu's block layer would fail each with EIO). Images that are not qcow2 are left to the driver.
     */
    public static void checkRanges(List<Command> commands, HostFile image, String where) throws TraceReplayException {
        for (int i = 0; i < commands.size(); i++) {
            checkRange(commands.get(i), image, where, i);
        }
    }

    private static void checkRange(Command c, HostFile image, String where, long i) throws TraceReplayException {
        if (image.length() < 32 || image.readBe64(0) >>> 32 != QCOW_MAGIC) {
            return;
        }
        long size = image.readBe64(24);
        long[] range = range(c);
        if (range != null && (size < 0 || range[0] > size - range[1])) {
            throw new TraceReplayException(where + "[" + i + "]: expected offset + bytes within the base image's "
                    + "virtual size " + size + ", got offset " + range[0] + " and bytes " + range[1]);
        }
    }

    private static final long QCOW_MAGIC = 0x514649fbL;

    private static long[] range(Command c) {
        if (c instanceof Command.Write w) {
            return new long[] {w.offset(), w.bytes()};
        } else if (c instanceof Command.Read r) {
            return new long[] {r.offset(), r.bytes()};
        } else if (c instanceof Command.Discard d) {
            return new long[] {d.offset(), d.bytes()};
        }
        return null;
    }

    /** The workload's commands as qemu-io's command loop runs them. */
    public static List<QemuIoCommand> commands(List<Command> workload, String name) throws TraceReplayException {
        try {
            return workload.stream().map(IssuedCommands::toQemuIo).toList();
        } catch (IllegalArgumentException e) {
            throw new TraceReplayException(name + ": workload: " + e.getMessage());
        }
    }

    /** SHA-256 of the host file's bytes, lower-case hex: what a checkpoint's imageSha256 holds. */
    public static String sha256(HostFile file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long len = file.length();
            int chunk = 1 << 20;
            for (long off = 0; off < len; off += chunk) {
                md.update(file.read(off, (int) Math.min(chunk, len - off)));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
