package dev.blockstep.engine.qcow2.io;

import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.Qcow2Error;
import dev.blockstep.engine.qcow2.SerialRequests;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Runs parsed qemu-io commands serially against an open image and prints what qemu-io prints: result
 * lines to {@code out}, qcow2's own lines (e.g. "qcow2_free_clusters failed: Invalid argument") to
 * {@code err}. aio_write and aio_flush need the coroutine engine and are refused here.
 */
public final class QemuIoSession {
    private final Qcow2Driver driver;
    private final SerialRequests requests;
    private final Consumer<String> out;
    private final Consumer<String> err;
    private int stderrSeen;

    public QemuIoSession(Qcow2Driver driver, Consumer<String> out, Consumer<String> err) {
        this.driver = driver;
        this.requests = new SerialRequests(driver, 0);
        this.out = out;
        this.err = err;
    }

    /** Runs one command; false when qemu-io would count it as failed (exit status 1). */
    public boolean run(QemuIoCommand c) {
        long t0 = System.nanoTime();
        try {
            return dispatch(c, t0);
        } catch (OutOfMemoryError e) {
            String op = c instanceof QemuIoCommand.Read ? "read" : c instanceof QemuIoCommand.Discard ? "discard" : "write";
            err.accept("blockstep: not enough memory for a " + op + " buffer of this size; raise the JVM heap (-Xmx)");
            out.accept(op + " failed: Cannot allocate memory");
            return false;
        } catch (Qcow2Error e) {
            String op = c instanceof QemuIoCommand.Read ? "read" : c instanceof QemuIoCommand.Discard ? "discard" : "write";
            if (e.errno() == Qcow2Error.ENOTSUP) {
                err.accept("blockstep: " + e.getMessage());
            }
            out.accept(op + " failed: " + e.strerror());
            return false;
        } finally {
            drainStderr();
        }
    }

    private boolean dispatch(QemuIoCommand c, long t0) {
        if (c instanceof QemuIoCommand.Write w) {
            if (w.zero()) {
                requests.writeZeroes(w.offset(), w.length(), w.unmap());
            } else {
                byte[] data = new byte[(int) w.length()];
                Arrays.fill(data, (byte) w.pattern());
                requests.write(w.offset(), data);
            }
            report(w.quiet(), "wrote", w.offset(), w.length(), t0);
            return true;
        }
        if (c instanceof QemuIoCommand.Read r) {
            byte[] data = requests.read(r.offset(), (int) r.length());
            boolean ok = true;
            if (r.pattern().isPresent()) {
                byte p = (byte) r.pattern().getAsInt();
                for (byte b : data) {
                    if (b != p) {
                        ok = false;
                        break;
                    }
                }
                if (!ok) {
                    out.accept("Pattern verification failed at offset " + r.offset() + ", " + r.length() + " bytes");
                }
            }
            report(r.quiet(), "read", r.offset(), r.length(), t0);
            return ok;
        }
        if (c instanceof QemuIoCommand.Discard dc) {
            requests.discard(dc.offset(), dc.length());
            report(dc.quiet(), "discard", dc.offset(), dc.length(), t0);
            return true;
        }
        if (c instanceof QemuIoCommand.Flush) {
            requests.flush();
            return true;
        }
        err.accept(c.toLine().split(" ")[0] + ": asynchronous requests run in the coroutine engine, not in blockstep io");
        return false;
    }

    private void drainStderr() {
        var lines = driver.stderrLines();
        for (int i = stderrSeen; i < lines.size(); i++) {
            err.accept(lines.get(i));
        }
        stderrSeen = lines.size();
    }

    private void report(boolean quiet, String op, long offset, long length, long t0) {
        if (!quiet) {
            for (String line : QemuIoReport.lines(op, offset, length, Math.max(1, System.nanoTime() - t0)).split("\n")) {
                out.accept(line);
            }
        }
    }
}
