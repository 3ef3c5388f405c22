package dev.blockstep.app.gui.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a dropped or opened file is, judged by its first bytes, never by its name. */
enum FileKind {
    QCOW2,
    TRACE,
    LOG;

    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    static FileKind of(Path path) throws TargetSource.OpenException {
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new TargetSource.OpenException(path + ": cannot read: " + reason(e));
        }
        if (n >= 4 && head[0] == QCOW2_MAGIC[0] && head[1] == QCOW2_MAGIC[1] && head[2] == QCOW2_MAGIC[2]
                && head[3] == QCOW2_MAGIC[3]) {
            return QCOW2;
        }
        for (int i = 0; i < n; i++) {
            if (!Character.isWhitespace(head[i])) {
                return head[i] == '{' ? TRACE : LOG;
            }
        }
        throw new TargetSource.OpenException(path + ": line 1: expected a trace, a qemu -T log or a qcow2 image,"
                + " got an empty file");
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
    }
}
