package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A blockdev-mirror beside guest data writes and a zero write, over many seeded schedules: whatever order the
 * guest and the job take, the guest ends on a target that reads what it wrote, and both images are clean. In
 * background mode this needs the dirty bitmap (a guest write after the job copied its chunk marks it again); in
 * write-blocking mode it needs mirror_top's copy of each guest write (the bitmap is disabled).
 */
class MirrorBesideGuestTest {
    private static final int CS = 65536;
    private static final int SIZE = 4 * CS;
    private static final String GUEST = "aio_write -P 0x55 0 64k\naio_write -z 64k 64k\naio_write -P 0x66 192k 4k\n"
            + "aio_flush\naio_write -P 0x77 8k 4k\n";

    static HostFile source() throws Exception {
        return ScriptRun.run(Qcow2Create.create(SIZE, CS), "src.qcow2",
                QemuIoParser.parseScript("write -P 0x21 0 192k\n", "src"), FixVariant.NONE, null).file();
    }

    @ParameterizedTest
    @EnumSource(BlockJobSpec.CopyMode.class)
    void theGuestEndsOnATargetThatReadsWhatItWrote(BlockJobSpec.CopyMode mode) throws Exception {
        HostFile src = source();
        byte[] want = new byte[SIZE];
        Arrays.fill(want, 0, CS, (byte) 0x55);
        Arrays.fill(want, 2 * CS, 3 * CS, (byte) 0x21);
        Arrays.fill(want, 3 * CS, 3 * CS + 4096, (byte) 0x66);
        Arrays.fill(want, 8192, 12288, (byte) 0x77);
        int orders = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            long sd = seed;
            Engine e = new Engine(new Workload(src, "src.qcow2",
                    CommandSource.of(QemuIoParser.parseScript(GUEST, "guest")), FixVariant.NONE,
                    () -> Policies.seededRandom(sd), BlockStack.QEMU_IO, null,
                    new BlockJobSpec.Mirror("tgt.qcow2", CS, mode, 0, 0)));
            StringBuilder order = new StringBuilder();
            for (var st = e.step(); st != null; st = e.step()) {
                order.append(st.coroutine()).append(':').append(st.name()).append(' ');
            }
            assertTrue(e.finished(), "seed " + seed);
            MirrorJob job = (MirrorJob) e.scheduler().coroutines().stream().filter(c -> c instanceof MirrorJob)
                    .findFirst().orElseThrow();
            byte[] got = new byte[SIZE];
            new BackingImage.Qcow2(job.target()).read(0, got, 0, SIZE);
            assertArrayEquals(want, got, "seed " + seed + ": the target's guest view");
            assertEquals(0, ImageCheck.check(ImageBytes.of(job.target().file()), "tgt", l -> { }).exitCode(),
                    "seed " + seed + ": target");
            assertEquals(0, ImageCheck.check(ImageBytes.of(e.file()), "src", l -> { }).exitCode(),
                    "seed " + seed + ": source");
            if (seen.add(order.toString())) {
                orders++;
            }
        }
        // engine-measured: the seeds take different orders of the job and the guest
        assertTrue(orders > 10, "distinct orders " + orders);
    }

    /**
     * buf-size 128 KiB with 32 KiB granularity: the source's 192 KiB data run is copied in ops of at most the buffer,
     * and the job waits for buffer chunks to come back; the target still reads as the source.
     */
    @ParameterizedTest
    @EnumSource(BlockJobSpec.CopyMode.class)
    void aSmallBufferCopiesInPiecesAndWaitsForFreeChunks(BlockJobSpec.CopyMode mode) throws Exception {
        HostFile src = source();
        byte[] want = new byte[SIZE];
        Arrays.fill(want, 0, 3 * CS, (byte) 0x21);
        for (long seed = 0; seed < 10; seed++) {
            long sd = seed;
            Engine e = new Engine(new Workload(src, "src.qcow2", CommandSource.of(java.util.List.of()),
                    FixVariant.NONE, () -> Policies.seededRandom(sd), BlockStack.QEMU_IO, null,
                    new BlockJobSpec.Mirror("tgt.qcow2", CS, mode, 32768, 131072)));
            e.runToEnd();
            assertTrue(e.finished(), "seed " + seed);
            MirrorJob job = (MirrorJob) e.scheduler().coroutines().stream().filter(c -> c instanceof MirrorJob)
                    .findFirst().orElseThrow();
            assertEquals(32768, job.granularity());
            byte[] got = new byte[SIZE];
            new BackingImage.Qcow2(job.target()).read(0, got, 0, SIZE);
            assertArrayEquals(want, got, "seed " + seed);
            long ops = e.scheduler().coroutines().stream().filter(c -> c instanceof MirrorOpCoroutine).count();
            // engine-measured: 192 KiB of data in ops of at most 128 KiB, and one zero op for the rest
            assertTrue(ops >= 3, "ops " + ops);
        }
    }
}
