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
    private final List<QemuIoCommand> commands;
    private int pc;
    private int inFlight;
    private RequestCoroutine awaited;
    private boolean draining;
    private boolean done;

    public QemuIoMain(BlockNode node, List<QemuIoCommand> commands) {
        super(0, "qemu-io");
        this.node = node;
        this.commands = List.copyOf(commands);
    }

    /** qemu-io's loop rebuilt at a checkpoint: no request in flight, {@code pc} commands issued. */
    public static QemuIoMain restore(BlockNode node, List<QemuIoCommand> commands, int pc, List<String> frames) {
        QemuIoMain m = new QemuIoMain(node, commands);
        m.pc = pc;
        m.restoreFrames(frames);
        return m;
    }

    /** Whether a checkpoint can describe this loop: nothing in flight, nothing awaited. */
    public boolean quiescent() {
        return inFlight == 0 && awaited == null && !draining && !done;
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
        if (pc >= commands.size()) {
            cx.name("quit");
            if (inFlight > 0) {
                draining = true;
                cx.narrate("qemu-io has no more commands and waits for " + inFlight + " requests before closing.");
                return Outcome.blocked(CoState.WAITING_COMPLETION, "close: " + inFlight + " requests in flight");
            }
            cx.narrate("qemu-io closes the image.");
            done = true;
            return Outcome.DONE;
        }
        QemuIoCommand c = commands.get(pc++);
        cx.name(commandName(c));
        int id = cx.scheduler().nextId();
        if (beyondEnd(c)) {
            // blk_check_byte_request fails before any coroutine of the request runs.
            node.stdout(commandName(c) + " failed: Input/output error");
            cx.narrate("qemu-io refuses " + c.toLine() + ": it reaches past the end of the disk.");
            return Outcome.YIELD;
        }
        if (node.driver().detached() && !(c instanceof QemuIoCommand.AioFlush)) {
            node.stdout(commandName(c) + " failed: No medium found");
            cx.narrate("qemu-io's " + c.toLine() + " fails: the driver was detached after a fatal corruption.");
            return Outcome.YIELD;
        }
        if (c instanceof QemuIoCommand.AioWrite w) {
            RequestCoroutine r = w.zero()
                    ? new ZeroWriteRequest(id, "Z" + id, node, w.toLine(), w.offset(), w.length(),
                            RequestFlags.of(RequestFlags.FUA, w.unmap() ? RequestFlags.MAY_UNMAP : 0))
                    : new WriteRequest(id, "W" + id, node, w.toLine(), w.offset(), (int) w.length(), w.pattern(),
                            RequestFlags.of(RequestFlags.FUA));
            r.quiet(w.quiet());
            submit(cx, r);
            cx.guest(w.offset(), w.length()).narrate("qemu-io submits " + r.name() + ": " + w.toLine() + ".");
            return Outcome.YIELD;
        }
        if (c instanceof QemuIoCommand.AioFlush) {
            if (inFlight == 0) {
                cx.narrate("aio_flush: no request is in flight.");
                return Outcome.YIELD;
            }
            draining = true;
            cx.narrate("aio_flush: qemu-io waits for the " + inFlight + " requests in flight.");
            return Outcome.blocked(CoState.WAITING_COMPLETION, "aio_flush: " + inFlight + " requests in flight");
        }
        RequestCoroutine r;
        if (c instanceof QemuIoCommand.Write w) {
            r = w.zero()
                    ? new ZeroWriteRequest(id, "Z" + id, node, w.toLine(), w.offset(), w.length(),
                            RequestFlags.of(RequestFlags.FUA, w.unmap() ? RequestFlags.MAY_UNMAP : 0))
                    : new WriteRequest(id, "W" + id, node, w.toLine(), w.offset(), (int) w.length(), w.pattern(),
                            RequestFlags.of(RequestFlags.FUA));
            r.quiet(w.quiet());
            cx.guest(w.offset(), w.length());
        } else if (c instanceof QemuIoCommand.Discard d) {
            r = new DiscardRequest(id, "D" + id, node, d.toLine(), d.offset(), d.length());
            r.quiet(d.quiet());
            cx.guest(d.offset(), d.length());
        } else if (c instanceof QemuIoCommand.Read rd) {
            r = new ReadRequest(id, "R" + id, node, rd.toLine(), rd.offset(), (int) rd.length(),
                    rd.pattern().isPresent() ? rd.pattern().getAsInt() : -1);
            r.quiet(rd.quiet());
            cx.guest(rd.offset(), rd.length());
        } else {
            r = new FlushRequest(id, "F" + id, node);
        }
        submit(cx, r);
        awaited = r;
        cx.narrate("qemu-io runs " + r.name() + ": " + c.toLine() + ", and waits until it completes.");
        return Outcome.blocked(CoState.WAITING_COMPLETION, c.toLine() + " (" + r.name() + ")");
    }

    private void submit(StepContext cx, RequestCoroutine r) {
        r.runsCommand(pc - 1);
        r.onDone(this);
        inFlight++;
        cx.scheduler().spawn(r);
    }

    private boolean beyondEnd(QemuIoCommand c) {
        long off;
        long len;
        if (c instanceof QemuIoCommand.AioWrite w) {
            off = w.offset();
            len = w.length();
        } else if (c instanceof QemuIoCommand.Write w) {
            off = w.offset();
            len = w.length();
        } else if (c instanceof QemuIoCommand.Read r) {
            off = r.offset();
            len = r.length();
        } else if (c instanceof QemuIoCommand.Discard d) {
            off = d.offset();
            len = d.length();
        } else {
            return false;
        }
        long size = node.driver().size();
        return off < 0 || len < 0 || off > size || size - off < len;
    }

    private static String commandName(QemuIoCommand c) {
        String line = c.toLine();
        int sp = line.indexOf(' ');
        return sp < 0 ? line : line.substring(0, sp);
    }

    @Override
    public void requestDone(StepContext cx, RequestCoroutine r) {
        // Runs in the finishing request's step but changes this loop's state, woken or not.
        cx.writes(new dev.blockstep.engine.snapshot.Resource.CoroutineState(id()));
        inFlight--;
        if (awaited == r) {
            awaited = null;
            cx.scheduler().wake(this);
        } else if (draining && inFlight == 0 && awaited == null) {
            draining = false;
            cx.scheduler().wake(this);
        }
    }
}
