package dev.blockstep.app.cli;

import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * qemu-io's sigraise and abort, once the image is on disk: the process dies of the signal, so the shell that ran it
 * sees the death ("Killed", "Aborted") and exit status 128 + N, as it does for qemu-io. Java cannot raise a signal
 * at itself, so kill(1) is asked to; SIGKILL and SIGABRT are the two the JVM does not handle itself.
 */
final class SelfSignal {
    /** A script's status when it ended in abort while its stdout was held back; the signal is still to raise. */
    static final int ABORTED = -QemuIoCommand.Exit.SIGABRT;
    /** glibc's buffer for a stdout that is a pipe or a file (st_blksize of a pipe). */
    private static final int STDOUT_BUFFER = 4096;

    private SelfSignal() {
    }

    /**
     * Sends {@code signal} to this process and waits for it to take effect; returns {@code fallback} (the exit
     * status) only if kill(1) could not be run, after saying so on stderr.
     */
    static int raise(int signal, int fallback) {
        System.out.flush();
        System.err.flush();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor(10, TimeUnit.SECONDS);
            // the signal is on its way: a default-action signal ends the JVM before this sleep does
            Thread.sleep(10_000);
        } catch (IOException e) {
            System.err.println("blockstep io: cannot raise signal " + signal + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }

    /**
     * What of {@code all} (qemu-io's whole stdout in -c mode) reached a pipe before abort(): glibc writes its buffer
     * only when a write finds it full, so the last 1 to 4096 bytes are still in it and are lost.
     */
    static String writtenBeforeAbort(String all) {
        byte[] b = all.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int written = b.length == 0 ? 0 : (b.length - 1) / STDOUT_BUFFER * STDOUT_BUFFER;
        return new String(b, 0, written, java.nio.charset.StandardCharsets.UTF_8);
    }
}
