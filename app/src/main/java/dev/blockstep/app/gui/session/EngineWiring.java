package dev.blockstep.app.gui.session;

import dev.blockstep.app.cli.BaseChain;
import dev.blockstep.app.cli.CliException;
import dev.blockstep.engine.check.DirtyImageRepair;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.engine.check.CheckException;
import dev.blockstep.engine.check.CheckReport;
import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.block.BlockStack;
import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.engine.trace.TraceRecorder;
import dev.blockstep.engine.trace.TraceReplay;
import dev.blockstep.engine.trace.TraceReplayException;
import dev.blockstep.samples.Samples;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * THE place where the GUI meets the engine: samples, opening files, the check, export and saving traces.
 * Everything here calls the real engine; nothing here imitates it. Every method runs on the engine worker.
 */
public final class EngineWiring {

    /** The sample the window opens with: reproduction R1, from the samples module. */
    public static final String DEFAULT_SAMPLE = Samples.DEFAULT;

    /**
     * The session opened last and the trace it came from, so it can be saved with its schedule (worker thread
     * only). One slot: opening another file lets the previous session go.
     */
    private Opened last;

    /** A session this wiring opened, with the trace it replays (null for a bare image). */
    private record Opened(EngineSession session, Trace source) {
    }

    /** A shipped sample (samples module), run by its recorded schedule if it has one, else under FIFO. */
    public TargetSource sample(String name) {
        return () -> {
            if (!Samples.NAMES.contains(name)) {
                throw new TargetSource.OpenException("sample " + name + ": no such sample (known: "
                        + String.join(", ", Samples.NAMES) + ")");
            }
            try {
                return opened(Samples.open(name), Samples.directory(name), name + ".json");
            } catch (TraceFormatException e) {
                throw new TargetSource.OpenException(e.getMessage(), e);
            } catch (IOException e) {
                throw new TargetSource.OpenException("sample " + name + ": cannot unpack its base image: "
                        + e.getMessage(), e);
            }
        };
    }

    /** A trace (.json), a qemu -T log, or a qcow2 image, told apart by their first bytes. */
    public TargetSource file(Path path) {
        return () -> switch (FileKind.of(path)) {
            case QCOW2 -> image(path);
            case TRACE -> trace(path);
            case LOG -> replayLog(path, LogBaseImage.beside(path), LogJob.beside(path));
        };
    }

    /**
     * Whether {@code path} is a qemu log with no base image beside it, so the window must ask for one before
     * opening it. Reads the file's first bytes only; a file that cannot be read is left for the open to report.
     */
    public boolean needsBaseImage(Path path) {
        try {
            return FileKind.of(path) == FileKind.LOG && LogBaseImage.find(path).isEmpty();
        } catch (TargetSource.OpenException e) {
            return false;
        }
    }

    /**
     * Whether {@code path} is a qemu log of a mirror (blockdev-mirror or an active block-commit) with no job command
     * beside it ({@code NAME.job.json}), so the window must ask for one before opening it.
     */
    public boolean needsJob(Path path) {
        try {
            return FileKind.of(path) == FileKind.LOG && LogJob.beside(path) == null && LogJob.showsMirror(path);
        } catch (TargetSource.OpenException e) {
            return false;
        }
    }

    /** A qemu log replayed on a base image the user chose (anywhere; it is read, never written). */
    public TargetSource logOnBase(Path log, Path base) {
        return log(log, base, null);
    }

    /**
     * A qemu log replayed on {@code base} (null: the one beside the log) with the job command in {@code job}, JSON as
     * a trace's job field holds it (null: the one beside the log, if any).
     */
    public TargetSource log(Path log, Path base, Path job) {
        return () -> replayLog(log, base == null ? LogBaseImage.beside(log) : base.toAbsolutePath(),
                job == null ? LogJob.beside(log) : job);
    }

    /** The one line a log is refused with when the user chose no base image. */
    public static String noBaseImageChosen(Path log) {
        return LogBaseImage.noneChosen(log);
    }

    /** The one line a mirror's log is refused with when the user chose no job command. */
    public static String noJobChosen(Path log) {
        return LogJob.noneChosen(log);
    }

    /**
     * An image on its own: no workload, step 0 shows its tables. An overlay's backing chain is opened as
     * {@code blockstep io} and {@code run} open it (names relative to the image naming them, each layer read-only
     * from a private copy). The user's files are never written: a dirty image (lazy refcounts, not closed) is
     * repaired on the engine's copy, as qemu's read-write open repairs it, and the session says so.
     */
    private DebugTarget image(Path path) throws TargetSource.OpenException {
        HostFile file;
        try {
            file = HostFile.load(path);
        } catch (IOException e) {
            throw new TargetSource.OpenException(path + ": cannot read: " + e.getMessage(), e);
        }
        BackingImage backing;
        OpenRepair repair;
        try {
            backing = Qcow2Driver.open(file.copy(), path.toString(), EngineEventSink.NONE, BackingChain.of(path))
                    .backingImage();
            repair = DirtyImageRepair.onReadWriteOpen(file, path.getFileName().toString(), line -> { });
        } catch (ImageFormatException e) {
            throw new TargetSource.OpenException(path + ": " + e.getMessage(), e);
        }
        try {
            return remember(new EngineSession(new Workload(file, path.getFileName().toString(),
                    CommandSource.of(List.of()), FixVariant.NONE, Policies::fifo, BlockStack.QEMU_IO, backing, null,
                    0, repair)), null);
        } catch (IllegalArgumentException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        }
    }

    /** A trace file, validated and replayed as recorded, then shown from step 0 with its schedule ahead. */
    private DebugTarget trace(Path path) throws TargetSource.OpenException {
        Path dir = path.toAbsolutePath().getParent();
        String name = path.getFileName().toString();
        try {
            TraceFile file = TraceReader.open(path);
            // the session's source keeps the workload: saving and the Explore panel read it
            return remember(TraceReplay.replay(file, dir, name), file.withWorkload());
        } catch (TraceFormatException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        } catch (TraceReplayException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        }
    }

    /**
     * A qemu log, imported as {@code blockstep import-qemu-log --base [--script]} imports it: on the base image found
     * beside it ({@code NAME.base.qcow2}, then {@code base.qcow2}) with the backing chain its header names, never on
     * an empty image, whose replay would end "No errors" where the real image is corrupt; with the qemu-io script
     * beside it ({@code NAME.qemu-io}), which gives the data patterns and discard ranges a log cannot show; and with
     * the job's QMP command in {@code job} (null: none), which a mirror's log needs.
     */
    private DebugTarget replayLog(Path path, Path base, Path job) throws TargetSource.OpenException {
        String name = path.getFileName().toString();
        // the base is named relative to the directory it is in, which need not be the log's
        Path dir = base.toAbsolutePath().getParent();
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            ImageSetup image = new ImageSetup.Base(base.getFileName().toString(), null, List.of(),
                    BaseChain.below(base, (file, what) -> new String[] {inside(dir, file, what), null}));
            Path script = LogBaseImage.script(path);
            JobCommand stated = job == null ? null : statedJob(job, image);
            Trace imported = QemuLogImporter.importLog(text, name, image, script == null ? null
                    : QemuIoScriptImporter.parse(Files.readString(script, StandardCharsets.UTF_8),
                    script.getFileName().toString()), script == null ? null : script.getFileName().toString(),
                    new QemuLogImporter.Options(null, null, null, stated));
            return remember(QemuLogReplay.run(imported, dir, name), imported);
        } catch (CliException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        } catch (IOException e) {
            throw new TargetSource.OpenException(path + ": cannot read: " + e.getMessage(), e);
        } catch (ImportException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        } catch (TraceReplayException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        }
    }

    /** The job command in {@code file}, read as {@code import-qemu-log --job FILE} reads it. */
    private static JobCommand statedJob(Path file, ImageSetup image) throws TargetSource.OpenException {
        try (InputStream in = Files.newInputStream(file)) {
            return TraceReader.readJob(in, file.toString(), image);
        } catch (TraceFormatException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        } catch (IOException e) {
            throw new TargetSource.OpenException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * A backing file's name relative to the base image's directory, as a trace's chain names it; one that leads out
     * of that directory is refused, as the commands refuse one outside the trace's.
     */
    private static String inside(Path dir, Path file, String what) throws CliException {
        Path rel = dir.relativize(file.toAbsolutePath().normalize());
        if (rel.startsWith("..") || rel.toString().isEmpty() || !Files.isRegularFile(file)) {
            throw new CliException(what + ": expected a file in the base image's directory " + dir + ", got " + file);
        }
        return rel.toString().replace('\\', '/');
    }

    private DebugTarget opened(Trace trace, Path dir, String name) throws TargetSource.OpenException {
        try {
            return remember(trace.schedule().isEmpty()
                    ? new EngineSession(TraceReplay.workload(trace, dir, name, Policies::fifo))
                    : TraceReplay.replay(trace, dir, name), trace);
        } catch (TraceReplayException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        }
    }

    /**
     * Keeps a freshly opened session as the one to save, replacing the previous. A replayed run becomes the
     * session's recording (Restart comes back to it) and is shown from step 0 with its schedule ahead.
     */
    private EngineSession remember(EngineSession session, Trace source) {
        session.keepHistoryAsRecording();
        session.goToStep(0);
        last = new Opened(session, source);
        return session;
    }

    /** engine.check's qemu-img check on the image bytes as they stand at the current step. */
    public CheckRunner checkRunner() {
        return target -> check(target.image());
    }

    /** qemu-img check on {@code file}, read only. */
    private static CheckRunner.CheckResult check(HostFile file) {
        StringBuilder report = new StringBuilder();
        try {
            CheckResult r = ImageCheck.check(ImageBytes.of(file), "image", line -> report.append(line).append('\n'));
            return new CheckRunner.CheckResult(report + CheckReport.human(r), r.exitCode());
        } catch (CheckException e) {
            return new CheckRunner.CheckResult(report + "qemu-img: " + e.getMessage() + "\n", e.exitCode());
        }
    }

    /**
     * qemu-img check, then check -r all on a copy, then check of the repaired copy, of the image at the current
     * step; the session's image stays as it is. Engine work: call it on the worker.
     */
    public RepairRunner.BeforeAndAfter repair(DebugTarget target) {
        HostFile image = target.image();
        RepairRunner.RepairReport repair = RepairRunner.repairAll(image);
        return new RepairRunner.BeforeAndAfter(check(image), repair, check(repair.repaired()));
    }

    /** Writes the current image bytes as a .qcow2 file; a failure is one line. */
    public void exportImage(DebugTarget target, Path out) throws TargetSource.OpenException {
        try {
            target.exportImage(out);
        } catch (IOException e) {
            throw new TargetSource.OpenException(out + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Writes the run up to the current step as a sequence diagram, SVG or PNG by {@code out}'s extension. */
    public void exportDiagram(DebugTarget target, Path out, String title) throws TargetSource.OpenException {
        try {
            dev.blockstep.app.diagram.DiagramExport.write(target.steps(), target.current(), title, out);
        } catch (IOException | IllegalArgumentException e) {
            throw new TargetSource.OpenException(out + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Writes the workload, the fix flips and the schedule up to the current step as a trace file. */
    public void saveTrace(DebugTarget target, Path out) throws TargetSource.OpenException {
        Trace source = sourceOf(target);
        if (source == null) {
            throw new TargetSource.OpenException(out + ": this session did not come from a trace, so it cannot be"
                    + " saved as one");
        }
        try {
            Trace recorded = TraceRecorder.record(source, source.metadata(), last.session());
            TraceRecorder.write(SavedRun.describe(source, recorded, last.session().current().finished()), out);
        } catch (TraceReplayException e) {
            throw new TargetSource.OpenException(e.getMessage(), e);
        } catch (IOException e) {
            throw new TargetSource.OpenException(out + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The trace a session came from, for the Explore panel's "current workload"; null if none (worker only). */
    public Trace sourceOf(DebugTarget target) {
        return last != null && last.session() == target ? last.source() : null;
    }
}
