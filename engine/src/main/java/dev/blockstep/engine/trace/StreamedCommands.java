package dev.blockstep.engine.trace;

import dev.blockstep.engine.block.CommandSource;
import dev.blockstep.trace.io.TraceFile;
import dev.blockstep.trace.io.TraceFormatException;
import dev.blockstep.trace.qemuio.QemuIoCommand;

/**
 * A trace file's workload read from disk as qemu-io's loop asks for it: only the command being issued is in memory.
 * The file was validated when it was opened, so reading fails only when it changed since; that failure is a
 * {@link Failed} carrying the reader's one-line message.
 */
final class StreamedCommands implements CommandSource, AutoCloseable {

    /** The file could no longer be read as it was validated. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final TraceFile file;
    private final int size;
    private TraceFile.CommandStream stream;
    private int index = -1;
    private QemuIoCommand command;

    StreamedCommands(TraceFile file, String name) throws TraceReplayException {
        if (file.workloadLength() > Integer.MAX_VALUE) {
            throw new TraceReplayException(name + ": workload: expected at most " + Integer.MAX_VALUE
                    + " commands, got " + file.workloadLength());
        }
        this.file = file;
        this.size = (int) file.workloadLength();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public QemuIoCommand get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("command " + i + " of " + size);
        }
        try {
            if (stream == null || i < index) {
                // qemu-io's loop started over (a restart): read the file again from its first command
                close();
                stream = file.commands();
                index = -1;
            }
            while (index < i) {
                command = IssuedCommands.toQemuIo(stream.next());
                index++;
            }
            return command;
        } catch (TraceFormatException e) {
            throw new Failed(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Failed(file + ": workload[" + i + "]: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
