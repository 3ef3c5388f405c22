package dev.blockstep.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/** The jobs of qemu 7.2's block/mirror.c run on real qemu-system, each completed (job-complete) once it is ready. */
public final class QemuMirrorJobs {

    private QemuMirrorJobs() {
    }

    /** What runs between the job's start and its BLOCK_JOB_READY, such as guest commands over HMP. */
    @FunctionalInterface
    public interface WhileRunning {
        void run(QemuSystem qemu) throws Exception;
    }

    /**
     * QMP block-commit without top (an active commit) of the active layer on {@code drive} into the node {@code
     * baseNode}, on qemu-system started in {@code dir}.
     */
    public static void activeCommit(Path dir, String drive, String device, String baseNode) throws Exception {
        try (QemuSystem qemu = QemuSystem.start(dir, drive)) {
            qemu.execute("block-commit", QemuSystem.args().put("job-id", "c0").put("device", device)
                    .put("base-node", baseNode));
            complete(qemu, "c0", "commit");
        }
    }

    /**
     * QMP blockdev-mirror sync=full of {@code device} into {@code target}, a qcow2 file added with blockdev-add and
     * its defaults as node {@code targetNode}; {@code whileRunning} runs right after the job starts.
     */
    public static void mirror(Path dir, String drive, String device, Path target, String targetNode, String copyMode,
            WhileRunning whileRunning) throws Exception {
        mirror(dir, drive, device, target, targetNode, copyMode, 0, whileRunning);
    }

    /**
     * {@link #mirror(Path, String, String, Path, String, String, WhileRunning)} with QMP's {@code buf-size}
     * ({@code 0}: qemu's default).
     */
    public static void mirror(Path dir, String drive, String device, Path target, String targetNode, String copyMode,
            long bufSize, WhileRunning whileRunning) throws Exception {
        try (QemuSystem qemu = QemuSystem.start(dir, drive)) {
            qemu.execute("blockdev-add", QemuSystem.args().put("driver", "qcow2").put("node-name", targetNode)
                    .set("file", QemuSystem.args().put("driver", "file").put("filename", target.toString())));
            var job = QemuSystem.args().put("job-id", "m0").put("device", device).put("target", targetNode)
                    .put("sync", "full").put("copy-mode", copyMode);
            if (bufSize != 0) {
                job.put("buf-size", bufSize);
            }
            qemu.execute("blockdev-mirror", job);
            whileRunning.run(qemu);
            complete(qemu, "m0", "mirror");
        }
    }

    private static void complete(QemuSystem qemu, String id, String type) throws Exception {
        qemu.awaitEvent("BLOCK_JOB_READY");
        qemu.execute("job-complete", QemuSystem.args().put("id", id));
        assertEquals(type, qemu.awaitEvent("BLOCK_JOB_COMPLETED").path("type").asText());
    }
}
