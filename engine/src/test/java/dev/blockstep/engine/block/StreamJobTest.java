package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.CheckResult;
import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * block-stream beside guest writes on the same scheduler: the job's steps show, and in every interleaving the
 * guest's data wins over the copy (the copy-on-read request is serialising), the image stays clean and no longer
 * names its backing file.
 */
class StreamJobTest {
    private static final int CS = 65536;

    /** base: 0x11 over [0, 128k) and 0x12 over [512k, 576k); top over it: 0x22 at [64k, 68k). */
    private static Engine engine(String guest, long seed) throws Exception {
        HostFile base = Images.run(Images.run(Qcow2Create.create(1 << 20, CS),
                new QemuIoCommand.Write(0, 2 * CS, 0x11, false, false, false)),
                new QemuIoCommand.Write(8 * CS, CS, 0x12, false, false, false));
        BackingImage chain = new BackingImage.Qcow2(Qcow2Driver.open(base, "base.qcow2", EngineEventSink.NONE));
        HostFile top = Qcow2Create.create(1 << 20, CS, new BackingFile("base.qcow2", "qcow2"));
        top = dev.blockstep.engine.qemuio.QemuIoScript.run(top, chain, false, dev.blockstep.engine.block.BlockStack.QEMU_IO, "top.qcow2", List.of("write -P 0x22 64k 4k"),
                i -> "-c", false, FixVariant.NONE, null, new dev.blockstep.engine.qemuio.QemuIoScript.Console() {
                    @Override
                    public void out(String text) {
                    }

                    @Override
                    public void err(String line) {
                    }
                }).file();
        Engine e = new Engine(new Workload(top, "top.qcow2", CommandSource.of(QemuIoParser.parseScript(guest, "t")),
                FixVariant.NONE, () -> Policies.seededRandom(seed), BlockStack.QEMU_IO, chain));
        e.scheduler().spawn(new StreamJob(e.scheduler().nextId(), "stream", e.node()));
        return e;
    }

    private static List<Step> run(Engine e) {
        List<Step> steps = new ArrayList<>();
        for (Step s = e.step(); s != null; s = e.step()) {
            steps.add(s);
        }
        assertTrue(e.finished(), "the run did not finish");
        return steps;
    }

    private static byte[] guestView(Engine e) {
        byte[] b = new byte[1 << 20];
        e.node().driver().read(0, 0, b, 0, b.length);
        return b;
    }

    @Test
    void theJobsStepsAreQemusFunctions() throws Exception {
        Engine e = engine("", 0);
        Set<String> names = new TreeSet<>();
        run(e).forEach(s -> names.add(s.name()));
        assertTrue(names.containsAll(Set.of("block_job_ratelimit_sleep", "stream_one_iteration",
                "bdrv_make_request_serialising", "bdrv_co_do_copy_on_readv", "stream_populate", "stream_prepare")),
                names.toString());
    }

    @Test
    void inEveryInterleavingWithGuestWritesTheGuestDataWinsAndTheImageIsClean() throws Exception {
        byte[] want = new byte[1 << 20];
        Arrays.fill(want, 0, 2 * CS, (byte) 0x11);
        Arrays.fill(want, 0, 4096, (byte) 0x33);
        Arrays.fill(want, CS, CS + 4096, (byte) 0x22);
        Arrays.fill(want, 8 * CS, 9 * CS, (byte) 0x44);
        for (long seed = 0; seed < 60; seed++) {
            Engine e = engine("aio_write -P 0x33 0 4k\naio_write -P 0x44 512k 64k\naio_flush\n", seed);
            run(e);
            assertEquals(null, e.node().driver().backingFile(), "seed " + seed);
            assertArrayEquals(want, guestView(e), "seed " + seed);
            CheckResult r = ImageCheck.check(ImageBytes.of(e.file()), "top.qcow2", line -> { });
            assertEquals(0, r.exitCode(), "seed " + seed);
        }
    }

    @Test
    void zeroWritesWithUnmapBesideTheStreamLeaveZeroesInEveryInterleaving() throws Exception {
        // the copy-on-read request is serialising and asks block status again after its wait, so a zero write in
        // flight when the copy begins leaves a zero cluster the copy skips, and one that comes later zeroes the copy
        byte[] want = new byte[1 << 20];
        Arrays.fill(want, CS, 2 * CS, (byte) 0x11);
        Arrays.fill(want, CS, CS + 4096, (byte) 0x22);
        for (long seed = 0; seed < 60; seed++) {
            Engine e = engine("aio_write -z -u 0 64k\naio_write -z -u 512k 64k\naio_flush\n", seed);
            run(e);
            assertArrayEquals(want, guestView(e), "seed " + seed);
            CheckResult r = ImageCheck.check(ImageBytes.of(e.file()), "top.qcow2", line -> { });
            assertEquals(0, r.exitCode(), "seed " + seed);
        }
    }
}
