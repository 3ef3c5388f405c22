package dev.blockstep.app.cli;

import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.check.DirtyImageRepair;
import dev.blockstep.engine.image.ImageFileException;
import dev.blockstep.engine.qcow2.OptionValues;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qemuio.NodeSettings;
import dev.blockstep.engine.qemuio.QemuIoScript;
import dev.blockstep.engine.qemuio.QemuIoSession;
import dev.blockstep.engine.qemuio.QemuIoSessions;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuOpts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The files {@code blockstep io} opens, on its command line and in open lines, as qemu-io's openfile opens them
 * (with bdrv_open's refusals in qemu's words), and writes each back when it closes. A read-write open of a dirty
 * lazy-refcounts image repairs it first, as qcow2_do_open does.
 */
final class IoOpener implements QemuIoSessions.Opener {
    private final PrintWriter err;
    /** The image file each open session came from, to write it back at its close. */
    private final Map<QemuIoSession, Opened> opened = new IdentityHashMap<>();
    private final Map<QemuIoSession, Boolean> snapshots = new IdentityHashMap<>();
    /** --image-opts: an open's file operand is an option string. */
    private final boolean imageOpts;
    /** A file could not be written back. */
    boolean failed;

    IoOpener(boolean imageOpts, PrintWriter err) {
        this.imageOpts = imageOpts;
        this.err = err;
    }

    /** bdrv_parse_cache_mode's names. */
    static NodeOptions.Cache cacheMode(String cache, boolean nocache) {
        if (cache == null) {
            return nocache ? NodeOptions.Cache.NONE : null;
        }
        return switch (cache) {
            case "none", "off" -> NodeOptions.Cache.NONE;
            case "writeback" -> NodeOptions.Cache.WRITEBACK;
            case "unsafe" -> NodeOptions.Cache.UNSAFE;
            case "directsync" -> NodeOptions.Cache.DIRECTSYNC;
            default -> NodeOptions.Cache.WRITETHROUGH;
        };
    }

    @Override
    public QemuIoSession open(QemuIoCommand.OpenOptions o) throws QemuIoSessions.OpenFailed {
        QemuOpts opts = o.options();
        String operand = o.path();
        if (imageOpts && operand != null) {
            opts = opts == null ? QemuOpts.parse(operand) : opts.merge(QemuOpts.parse(operand));
            operand = null;
        }
        String fileName = opts == null ? null : opts.values().get("file.filename");
        String path = operand != null ? operand : fileName;
        String cantOpen = operand != null ? "qemu-io: can't open device " + operand + ": " : "qemu-io: can't open: ";
        if (o.forceShare() && !o.readOnly()) {
            throw new QemuIoSessions.OpenFailed(cantOpen + "force-share=on can only be used with read-only images");
        }
        try {
            NodeSettings.checkBeforeFile(opts);
        } catch (OptionValues.OptionException e) {
            throw new QemuIoSessions.OpenFailed(cantOpen + e.getMessage());
        }
        if (path == null) {
            throw new QemuIoSessions.OpenFailed(cantOpen + (opts == null || !opts.values().containsKey("driver")
                    ? "Must specify either driver or file" : "A block device must be specified for \"file\""));
        }
        NodeOptions.Cache cache = cacheMode(o.cache(), o.nocache());
        boolean direct = cache == NodeOptions.Cache.NONE || cache == NodeOptions.Cache.DIRECTSYNC;
        if (("native".equals(o.aio()) || o.nativeAio()) && !direct) {
            throw new QemuIoSessions.OpenFailed(cantOpen + "aio=native was specified, but it requires "
                    + "cache.direct=on, which was not specified.");
        }
        Opened img;
        try {
            img = Opened.open(path, o.snapshot());
        } catch (InvalidPathException | ImageFileException | ImageFormatException | Qcow2Create.CreateException e) {
            throw new QemuIoSessions.OpenFailed(cantOpen + e.getMessage());
        }
        boolean unmap = !"ignore".equals(o.discard()) && !"off".equals(o.discard());
        NodeSettings settings;
        try {
            // under -s the options are the image's, not its temporary overlay's
            Header h = QemuIoSession.header(img.original(), path);
            settings = NodeSettings.open(opts, h, operand, o.readOnly(), unmap,
                    cache == NodeOptions.Cache.UNSAFE);
            if (o.copyOnRead() && settings.readOnly()) {
                throw new OptionValues.OptionException("Can't use copy-on-read on read-only device");
            }
        } catch (OptionValues.OptionException | IllegalArgumentException e) {
            throw new QemuIoSessions.OpenFailed(cantOpen + e.getMessage());
        }
        if (!settings.readOnly() && !o.snapshot() && DirtyImageRepair.isDirty(img.file())) {
            try {
                DirtyImageRepair.onReadWriteOpen(img.file(), path, line -> {
                    err.println(line);
                    err.flush();
                });
            } catch (ImageFormatException e) {
                throw new QemuIoSessions.OpenFailed(cantOpen + e.getMessage());
            }
        }
        NodeOptions node = new NodeOptions(settings.unmap() ? NodeOptions.Discard.UNMAP : NodeOptions.Discard.IGNORE,
                settings.detectZeroes(), cache);
        QemuIoSession s = new QemuIoSession(img.file(), img.backing(), path,
                QemuIoSession.header(img.file(), path), settings.readOnly(), o.copyOnRead(),
                BlockStack.of(null, node), settings);
        opened.put(s, img);
        snapshots.put(s, o.snapshot());
        return s;
    }

    /** Writes the image back unless nothing could have changed it: a snapshot, or read-only throughout. */
    @Override
    public void closed(QemuIoSession session, QemuIoScript.Result result) {
        Opened img = opened.remove(session);
        boolean snapshot = Boolean.TRUE.equals(snapshots.remove(session));
        if (img == null || img.path() == null || snapshot || session.readOnly() && !result.reopenedWritable()) {
            return;
        }
        try {
            result.file().saveChanges(img.path(), img.original());
        } catch (IOException e) {
            err.println("qemu-io: " + session.name() + ": writing the image back failed: " + e.getMessage());
            err.flush();
            failed = true;
        }
    }

    /** The command line's open: qemu-io's own flags as an open line would give them. */
    static QemuIoCommand.OpenOptions commandLine(String image, boolean readOnly, boolean snapshot,
                                                boolean copyOnRead, boolean nocache, String cache, String aio) {
        return new QemuIoCommand.OpenOptions(image, readOnly, snapshot, copyOnRead, nocache, false, false, cache, null,
                aio, null);
    }
}
