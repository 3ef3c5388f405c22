package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;

/**
 * qemu-io's command loop as a coroutine (id 0). Each step issues one command: an aio request is submitted and
 * runs at once until its first yield, then the loop may go on; a synchronous command, {@code aio_flush} and
 * the final close wait until the requests they need have completed, while in-flight requests keep running.
 */
public final class QemuIoMain extends Coroutine implements RequestCoroutine.RequestListener {
    private final BlockNode node;
    private final QemuIoTarget target;
    private final CommandSource commands;
    private final CommandMap issued;
    private int pc;
    private int inFlight;
    private RequestCoroutine awaited;
    private boolean draining;
    private boolean done;
    /** The close command has drained the requests in flight and closes the image in its next step. */
    private boolean closing;
    /** The close command closed the image: qemu-io's exit has nothing left to close. */
    private boolean closed;
    /**
     * The script ends in a fatal signal (sigraise, abort): qemu-io dies as soon as its loop reaches it, without
     * closing the image, so the metadata its caches held is never written and requests in flight stop where they
     * stand (their next step never runs).
     */
    private boolean killed;
    /** A reopen waiting for its drain; its cache mode and options apply once nothing is in flight. */
    private QemuIoCommand.Reopen pendingReopen;
    private int pendingReopenIndex;
    /** Applies a drained reopen's node and driver options, by the command's index. */
    private java.util.function.IntConsumer reopenHook = i -> { };
    /** A block job runs beside the workload; quit waits for it (see {@link #jobStarted}). */
    private boolean jobRunning;
    private boolean awaitingJob;

    /** qemu-io on its own BlockBackend, with qemu-io's defaults. */
    public QemuIoMain(BlockNode node, List<QemuIoCommand> commands) {
        this(node, BlockStack.QEMU_IO.target(node), CommandSource.of(commands), new CommandMap());
    }

    public QemuIoMain(BlockNode node, QemuIoTarget target, CommandSource commands) {
        this(node, target, commands, new CommandMap());
    }

    private QemuIoMain(BlockNode node, QemuIoTarget target, CommandSource commands, CommandMap issued) {
        super(0, "qemu-io");
        this.node = node;
        this.target = target;
        this.commands = commands;
        this.issued = issued;
    }

    /**
     * qemu-io's loop rebuilt at a checkpoint: no request in flight, {@code pc} commands issued as {@code issued}
     * records them.
     */
    public static QemuIoMain restore(BlockNode node, QemuIoTarget target, CommandSource commands, int pc,
                                     List<String> frames, List<IssuedCommand> issued) {
        if (issued.size() != pc) {
            throw new IllegalArgumentException(issued.size() + " issued commands recorded for " + pc + " issued");
        }
        QemuIoMain m = new QemuIoMain(node, target, commands, CommandMap.of(issued));
        m.pc = pc;
        node.outputGroup(pc);
        m.restoreFrames(frames);
        return m;
    }

    /**
     * For a headless run: forget each command once it has finished, and every line qemu-io prints to stdout, so that
     * a workload of any length runs in bounded memory. Nothing can look back at them afterwards.
     */
    public void forgetFinished() {
        issued.forgetFinished();
        node.forgetStdout();
    }

    /** Whether a checkpoint can describe this loop: nothing in flight, nothing awaited. */
    public boolean quiescent() {
        return inFlight == 0 && awaited == null && !draining && !closing && !done && !awaitingJob;
    }

    /** Which coroutine runs each command issued so far, under which name. */
    public CommandMap commandMap() {
        return issued;
    }

    /** Index of the next command to issue. */
    public int commandIndex() {
        return pc;
    }

    public int commandCount() {
        return commands.size();
    }

    public int inFlight() {
        return inFlight;
    }

    @Override
    public String phase() {
        if (done) {
            return "done";
        }
        return pc < commands.size() ? commands.get(pc).toLine() : "quit";
    }

    @Override
    protected Outcome run(StepContext cx) {
        if (closing) {
            closing = false;
            cx.name("close");
            closeImage(cx);
            return Outcome.YIELD;
        }
        if (pc >= commands.size() && killed) {
            cx.name("killed");
            node.outputGroup(commands.size());
            if (!closed) {
                node.driver().exitAbruptly(id());
                closed = true;
            }
            cx.narrate("qemu-io dies of a signal with " + inFlight + " requests in flight: the image is not closed.");
            done = true;
            return Outcome.DONE;
        }
        if (pc >= commands.size()) {
            cx.name("quit");
            node.outputGroup(commands.size());
            if (jobRunning) {
                awaitingJob = true;
                cx.narrate("qemu-io has no more commands; the QMP client waits for BLOCK_JOB_COMPLETED before it "
                        + "quits.");
                return Outcome.blocked(CoState.WAITING_COMPLETION, "quit: the block job is running");
            }
            if (inFlight > 0) {
                draining = true;
                cx.narrate("qemu-io has no more commands and waits for " + inFlight + " requests before closing.");
                return Outcome.blocked(CoState.WAITING_COMPLETION, "close: " + inFlight + " requests in flight");
            }
            if (!closed) {
                closeImage(cx);
            }
            done = true;
            return Outcome.DONE;
        }
        QemuIoCommand c = commands.get(pc++);
        node.outputGroup(pc - 1);
        cx.name(commandName(c));
        if (c instanceof QemuIoCommand.Query || c instanceof QemuIoCommand.Quit) {
            return answer(cx, c);
        }
        if (c instanceof QemuIoCommand.Close) {
            issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.DRAIN));
            if (inFlight == 0) {
                node.outputGroup(pc);
                closeImage(cx);
                return Outcome.YIELD;
            }
            draining = true;
            closing = true;
            cx.narrate("close: blk_unref drains the " + inFlight + " requests in flight before the image closes.");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "close: " + inFlight + " requests in flight");
        }
        boolean aio = c instanceof QemuIoCommand.AioWrite || c instanceof QemuIoCommand.AioRead;
        byte[] source = null;
        if (c instanceof QemuIoCommand.WriteFromFile w) {
            // write_f reads the file before the block layer sees the request
            SourceFileBuffer.Loaded b;
            try {
                b = SourceFileBuffer.load(w.sourceFile(), (int) w.length());
            } catch (OutOfMemoryError e) {
                b = new SourceFileBuffer.Loaded(null, "blockstep: not enough memory for a buffer of " + w.length()
                        + " bytes; raise the JVM heap (-Xmx)");
            }
            if (b.error() != null) {
                issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.REFUSED));
                node.stderr(b.error());
                node.stdout(BlockNode.Kind.SILENT_FAILURE, "", pc - 1, 0);
                node.outputGroup(pc);
                cx.narrate("qemu-io's " + c.toLine() + " fails before any request runs: " + b.error() + ".");
                return Outcome.YIELD;
            }
            source = b.data();
        }
        String refusal = refusal(c);
        if (refusal != null) {
            // blk_check_byte_request (or the detached driver) fails it before the request reaches the node: no
            // request coroutine runs, so none takes an id or a name.
            issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.REFUSED));
            if (aio) {
                // blk_aio_prwv completes the request from a bottom half: qemu-io has returned to its prompt
                node.outputGroup(pc);
            }
            // flush_f prints nothing of its own; only the exit status tells
            node.stdout(c instanceof QemuIoCommand.Flush ? BlockNode.Kind.SILENT_FAILURE
                    : aio ? BlockNode.Kind.NOTICE : BlockNode.Kind.FAILURE,
                    c instanceof QemuIoCommand.Flush ? "" : failureName(c) + " failed: " + refusal, pc - 1, 0);
            node.outputGroup(pc);
            cx.narrate("qemu-io's " + c.toLine() + " fails before any request runs: " + refusal + ".");
            return Outcome.YIELD;
        }
        if (c instanceof QemuIoCommand.AioFlush || c instanceof QemuIoCommand.Reopen) {
            // bdrv_reopen drains as aio_flush does, then changes the cache mode
            issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.DRAIN));
            pendingReopen = c instanceof QemuIoCommand.Reopen r ? r : null;
            pendingReopenIndex = pc - 1;
            if (inFlight == 0) {
                reopened();
                node.outputGroup(pc);
                cx.narrate("aio_flush: no request is in flight.");
                return Outcome.YIELD;
            }
            draining = true;
            cx.narrate("aio_flush: qemu-io waits for the " + inFlight + " requests in flight.");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "aio_flush: " + inFlight + " requests in flight");
        }
        int id = cx.scheduler().nextId();
        RequestCoroutine r;
        try {
            r = source != null ? target.write(id, (QemuIoCommand.WriteFromFile) c, source) : target.request(id, c);
        } catch (OutOfMemoryError e) {
            // qemu-io would abort in qemu_memalign; a one-line failure keeps the image and the other commands
            node.stderr("blockstep: not enough memory for a buffer of " + ((QemuIoCommand.GuestRange) c).length()
                    + " bytes; raise the JVM heap (-Xmx)");
            node.stdout(BlockNode.Kind.FAILURE, commandName(c) + " failed: Cannot allocate memory", pc - 1, 0);
            issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.REFUSED));
            node.outputGroup(pc);
            cx.narrate("qemu-io cannot allocate the buffer for " + c.toLine() + ".");
            return Outcome.YIELD;
        }
        issued.add(new IssuedCommand(pc - 1, r.id(), r.name(), IssuedCommand.Kind.REQUEST));
        r.runsCommand(pc - 1, aio);
        r.onDone(this);
        inFlight++;
        if (c instanceof QemuIoCommand.GuestRange g) {
            cx.guest(g.offset(), g.length());
        }
        cx.scheduler().spawn(r);
        if (aio) {
            node.outputGroup(pc);
            cx.narrate("qemu-io submits " + r.name() + ": " + c.toLine() + ".");
            return Outcome.YIELD;
        }
        awaited = r;
        cx.narrate("qemu-io runs " + r.name() + ": " + c.toLine() + ", and waits until it completes.");
        return Outcome.blocked(CoState.WAITING_COMPLETION, c.toLine() + " (" + r.name() + ")");
    }

    /**
     * A drained reopen with -c: writethrough turns the BlockBackend's write cache off (FUA on every write), unsafe
     * sets BDRV_O_NO_FLUSH on the node and any other mode clears it. Behind an NBD server the client's reopen
     * reaches no BlockBackend of the server's.
     */
    private void reopened() {
        QemuIoCommand.Reopen r = pendingReopen;
        pendingReopen = null;
        if (r == null) {
            return;
        }
        if (r.cache() != null) {
            if (target instanceof BlockBackend blk) {
                blk.writethrough(r.writethrough());
            }
            node.noFlush(r.noFlush());
        }
        reopenHook.accept(pendingReopenIndex);
    }

    /** Who applies a drained reopen's options (bdrv_reopen's prepare and commit), given the command's index. */
    public void onReopen(java.util.function.IntConsumer hook) {
        reopenHook = hook;
    }

    /** What a reopen -c may have changed, for a checkpoint to keep. */
    public record CacheMode(boolean writethrough, boolean noFlush) {
    }

    public CacheMode cacheMode() {
        return new CacheMode(target instanceof BlockBackend blk && blk.writethrough(), node.noFlush());
    }

    /** Puts back the cache mode a checkpoint kept (the stack rebuilds qemu-io's mode as the run began). */
    public void restoreCacheMode(CacheMode m) {
        if (target instanceof BlockBackend blk) {
            blk.writethrough(m.writethrough());
        }
        node.noFlush(m.noFlush());
    }

    /** The last command raises a fatal signal: the image is left without its close. */
    public void killedAtEnd() {
        killed = true;
    }

    /** Whether the process has died of the signal: nothing runs after that. */
    public boolean killedNow() {
        return killed && done;
    }

    /** bdrv_close's flush of the metadata caches, for the close command or qemu-io's exit. */
    private void closeImage(StepContext cx) {
        node.routeEventsTo(cx);
        node.driver().close(id());
        closed = true;
        cx.narrate("qemu-io closes the image.");
    }

    /** A command answered from the tables in this step, with no request (see {@link QemuIoQueries}). */
    private Outcome answer(StepContext cx, QemuIoCommand c) {
        issued.add(new IssuedCommand(pc - 1, id(), name(), IssuedCommand.Kind.ANSWERED));
        if (c instanceof QemuIoCommand.Query q) {
            QemuIoQueries.Answer a = QemuIoQueries.answer(node.driver(), id(), q);
            a.errors().forEach(node::stderr);
            for (String line : a.lines()) {
                node.stdout(a.failed() ? BlockNode.Kind.FAILURE : BlockNode.Kind.NOTICE, line, pc - 1, 0);
            }
            if (a.failed() && a.lines().isEmpty()) {
                node.stdout(BlockNode.Kind.SILENT_FAILURE, "", pc - 1, 0);
            }
        }
        node.outputGroup(pc);
        cx.narrate("qemu-io answers " + c.toLine() + " from the image's tables.");
        return Outcome.YIELD;
    }

    /**
     * Why the block backend fails the command before any coroutine of the request runs
     * (blk_check_byte_request, blk_co_flush), or null: the driver was detached after a fatal corruption, or
     * the range reaches past the end of the disk.
     */
    private String refusal(QemuIoCommand c) {
        if (c instanceof QemuIoCommand.AioFlush || c instanceof QemuIoCommand.Reopen) {
            return null;
        }
        if (node.driver().detached()) {
            // blk_truncate says so in an error line of its own, which the request prints
            return c instanceof QemuIoCommand.Truncate ? null : "No medium found";
        }
        if (!(c instanceof QemuIoCommand.GuestRange g)) {
            return null;
        }
        long size = node.driver().size();
        // bdrv_check_request32 after blk_check_byte_request: only a zero write reaches here above the limit
        return g.offset() < 0 || g.length() < 0 || g.offset() > size || size - g.offset() < g.length()
                || g.length() > dev.blockstep.trace.qemuio.QemuIoParser.REQUEST_MAX_BYTES ? "Input/output error" : null;
    }

    /** The name in qemu-io's "... failed:" line: aio_read's completion callback is shared with readv. */
    private static String failureName(QemuIoCommand c) {
        return c instanceof QemuIoCommand.AioRead ? "readv" : commandName(c);
    }

    private static String commandName(QemuIoCommand c) {
        String line = c.toLine();
        int sp = line.indexOf(' ');
        return sp < 0 ? line : line.substring(0, sp);
    }

    /**
     * A block job started beside the workload. The QMP client that started it waits for BLOCK_JOB_COMPLETED before
     * it sends quit, as every real run blockstep compares with does (a quit while the job runs would cancel it, which
     * blockstep does not model), so qemu-io's quit waits for the job's end.
     */
    public void jobStarted(RequestCoroutine job) {
        jobRunning = true;
        job.onDone((cx, r) -> {
            jobRunning = false;
            if (awaitingJob) {
                awaitingJob = false;
                resume(cx);
            }
        });
    }

    @Override
    public void requestDone(StepContext cx, RequestCoroutine r) {
        // Runs in the finishing request's step but changes this loop's state, woken or not.
        cx.writes(new dev.blockstep.engine.snapshot.Resource.CoroutineState(id()));
        issued.finished(r.commandIndex());
        inFlight--;
        if (awaited == r) {
            awaited = null;
            node.outputGroup(pc);
            resume(cx);
        } else if (draining && inFlight == 0 && awaited == null) {
            draining = false;
            reopened();
            node.outputGroup(pc);
            resume(cx);
        }
    }

    /**
     * qemu-io's loop goes on at once when the request it waited for ends. Behind qemu-nbd the clients are other
     * processes: the next request arrives on a socket and the server's nbd_trip reads it when the event loop comes
     * round to it (aio_co_schedule), so when it goes on is a scheduling choice.
     */
    private void resume(StepContext cx) {
        if (target instanceof NbdServer) {
            cx.scheduler().schedule(this);
        } else {
            cx.scheduler().wake(this);
        }
    }
}
