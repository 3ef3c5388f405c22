package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.check.ImageBytes;
import dev.blockstep.engine.check.ImageCheck;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.explore.ExploreSetup;
import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.ScriptRun;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Block jobs beside guest zero writes and discards, explored exhaustively. An intermediate block-commit (mid
 * into base, under the guest's top) beside guest zero writes with unmap and
 * discards on the top, explored exhaustively with and without the fix. The job reads mid and writes only the
 * base, the guest only the top, so no interleaving can leave two L2 entries on one host cluster: every end
 * state is clean. Real qemu 7.2 agrees in the runs measured (0 of 8, real-qemu-findings.md), which cannot
 * prove it; this search can, for this workload.
 */
class JobBesideGuestExploreTest {
    private static final int CS = 65536;
    private static final int SIZE = 4 * CS;

    /** Guest traffic that frees clusters of the top while the job runs. */
    private static final String GUEST = "aio_write -z -u 0 64k\ndiscard 64k 64k\n";

    /**
     * A 256 KiB chain, small enough to search every interleaving. base: 0x11 over [0, 128k); mid: 0x33 at
     * [64k, 68k); top: 0x21 over [0, 128k), allocated so the guest's zero write and discard free it.
     */
    static ExploreSetup setup(FixVariant fix, BlockJobSpec job, String topScript) throws Exception {
        return setup(fix, job, topScript, SIZE);
    }

    /** The same chain at {@code size} bytes (at least 128 KiB, where the guest's requests fall). */
    static ExploreSetup setup(FixVariant fix, BlockJobSpec job, String topScript, int size) throws Exception {
        return setup(fix, job, topScript, size, GUEST);
    }

    static ExploreSetup setup(FixVariant fix, BlockJobSpec job, String topScript, int size, String guestScript)
            throws Exception {
        HostFile base = ScriptRun.run(Qcow2Create.create(size, CS), "base.qcow2",
                QemuIoParser.parseScript("write -P 0x11 0 128k\n", "base"), FixVariant.NONE,
                null).file();
        BackingImage baseImage = new BackingImage.Qcow2(Qcow2Driver.open(base, "base.qcow2", EngineEventSink.NONE));
        HostFile mid = ScriptRun.run(Qcow2Create.create(size, CS, new BackingFile("base.qcow2", "qcow2")),
                baseImage, "mid.qcow2", QemuIoParser.parseScript("write -P 0x33 64k 4k\n",
                        "mid"), FixVariant.NONE, null).file();
        BackingImage midImage = new BackingImage.Qcow2(Qcow2Driver.open(mid, "mid.qcow2", EngineEventSink.NONE,
                link -> baseImage));
        HostFile top = ScriptRun.run(Qcow2Create.create(size, CS, new BackingFile("mid.qcow2", "qcow2")),
                midImage, "top.qcow2", QemuIoParser.parseScript(topScript, "top"), FixVariant.NONE, null).file();
        List<QemuIoCommand> guest = QemuIoParser.parseScript(guestScript, "guest");
        return new ExploreSetup("top.qcow2", top, guest, Collections.nCopies(guest.size(), Producer.GUEST), fix,
                BlockStack.QEMU_IO, midImage, job);
    }

    @ParameterizedTest
    @EnumSource(value = FixVariant.class, names = {"NONE", "PATCH"})
    void noInterleavingOfTheCommitWithGuestZeroWritesAndDiscardsCorrupts(FixVariant fix) throws Exception {
        ExploreSetup s = setup(fix, new BlockJobSpec.Commit("base.qcow2"), "write -P 0x21 0 128k\n");
        Exploration x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 200_000, 10).run();
        System.out.println("commit beside guest, fix " + fix.id() + ": " + x.states() + " states, " + x.interleavings()
                + " interleavings, " + x.endStates().size() + " end states, " + x.badEndStates() + " bad");
        assertFalse(x.truncated());
        // engine-measured: the search is over more than one order of the job and the guest
        assertTrue(x.interleavings() > 1, "interleavings " + x.interleavings());
        assertEquals(0, x.badEndStates(), x.endStates().values().stream().map(e -> e.verdict().summary()).toList().toString());
    }

    @ParameterizedTest
    @EnumSource(value = FixVariant.class, names = {"NONE"})
    void theBaseEndsCleanWithTheCommittedDataAndTheTopPointsAtIt(FixVariant fix) throws Exception {
        ExploreSetup s = setup(fix, new BlockJobSpec.Commit("base.qcow2"), "write -P 0x21 0 128k\n");
        byte[] want = new byte[SIZE];
        java.util.Arrays.fill(want, 0, 2 * CS, (byte) 0x11);
        java.util.Arrays.fill(want, CS, CS + 4096, (byte) 0x33);
        for (long seed = 0; seed < 20; seed++) {
            long sd = seed;
            var e = new dev.blockstep.engine.session.Engine(new dev.blockstep.engine.session.Workload(s.image(),
                    s.name(), CommandSource.of(s.commands()), fix,
                    () -> dev.blockstep.engine.coroutine.Policies.seededRandom(sd), s.stack(), s.backing(), s.job()));
            e.runToEnd();
            assertTrue(e.finished(), "seed " + seed);
            CommitJob job = (CommitJob) e.scheduler().coroutines().stream().filter(c -> c instanceof CommitJob)
                    .findFirst().orElseThrow();
            byte[] got = new byte[SIZE];
            new BackingImage.Qcow2(job.base()).read(0, got, 0, got.length);
            assertArrayEquals(want, got, "seed " + seed);
            assertEquals(0, ImageCheck.check(ImageBytes.of(job.base().file()), "base", l -> { }).exitCode());
            assertEquals(new BackingFile("base.qcow2", "qcow2"), e.node().driver().backingFile());
        }
    }

    /**
     * block-stream of the whole chain into the top, whose second cluster is unallocated, so the stream copies it
     * up while the guest discards it. While the job runs its copy-on-read filter drops the discard, so the copy
     * stands; a discard that comes after stream_prepare has dropped the filter leaves a zero cluster over the copy.
     * Every order ends in one of these two clean states.
     */
    @ParameterizedTest
    @EnumSource(value = FixVariant.class, names = {"NONE", "PATCH"})
    void noInterleavingOfTheStreamWithGuestZeroWritesAndDiscardsCorrupts(FixVariant fix) throws Exception {
        ExploreSetup s = setup(fix, new BlockJobSpec.Stream(), "write -P 0x21 0 64k\n");
        Exploration x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 200_000, 10).run();
        System.out.println("stream beside guest, fix " + fix.id() + ": " + x.states() + " states, " + x.interleavings()
                + " interleavings, " + x.endStates().size() + " end states, " + x.badEndStates() + " bad");
        assertFalse(x.truncated());
        // engine-measured: the discard dropped by the copy-on-read filter, or applied after stream_prepare
        assertEquals(2, x.endStates().size(), "end states");
        assertTrue(x.interleavings() > 1, "interleavings " + x.interleavings());
        assertEquals(0, x.badEndStates(), x.endStates().values().stream().map(e -> e.verdict().summary()).toList()
                .toString());
    }

    /**
     * The jobs of block/mirror.c beside the same guest traffic on the same chain: blockdev-mirror of the top
     * (sync=full, both copy modes) into a fresh target, and an active block-commit of the top into mid. While mirror_top sits
     * above the top, the guest's zero write reaches it without MAY_UNMAP and the discard stops at the filter, so no
     * guest request frees a cluster there; once the job pivots, the guest writes the target (or mid), which no job
     * writes any more. Every end state of the source is clean, with and without the fix. The chain is cut to the
     * two clusters the guest touches: the mirror copies every cluster, and four make the search take minutes.
     */
    @ParameterizedTest
    @EnumSource(value = FixVariant.class, names = {"NONE", "PATCH"})
    void noInterleavingOfAMirrorOrActiveCommitWithGuestZeroWritesAndDiscardsCorrupts(FixVariant fix) throws Exception {
        for (BlockJobSpec job : List.of(
                new BlockJobSpec.Mirror("tgt.qcow2", CS, BlockJobSpec.CopyMode.BACKGROUND, 0, 0),
                new BlockJobSpec.Mirror("tgt.qcow2", CS, BlockJobSpec.CopyMode.WRITE_BLOCKING, 0, 0),
                new BlockJobSpec.ActiveCommit())) {
            ExploreSetup s = setup(fix, job, "write -P 0x21 0 128k\n", 2 * CS);
            Exploration x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 200_000, 10).run();
            System.out.println(job + " beside guest, fix " + fix.id() + ": " + x.states() + " states, "
                    + x.interleavings() + " interleavings, " + x.endStates().size() + " end states, " + x.badEndStates()
                    + " bad");
            assertFalse(x.truncated(), job.toString());
            assertTrue(x.interleavings() > 1, job + ": interleavings " + x.interleavings());
            assertEquals(0, x.badEndStates(), job + ": " + x.endStates().values().stream()
                    .map(e -> e.verdict().summary()).toList());
        }
    }

    /**
     * The race itself on the top, with and without a job of block/mirror.c: cluster 0 of the top is ZERO_ALLOC and
     * the guest writes data to its first half while it zeroes the second half with unmap. Without a job some
     * interleaving corrupts the top (the zero write widens to the whole cluster, which reads as zero, and frees it
     * under the data write). While mirror_top sits above the top it strips MAY_UNMAP, so no interleaving does with
     * a write-blocking mirror (exhaustive; there active_write_prepare also makes the two guest writes on one chunk
     * wait for each other, so this search stays clean even with MAY_UNMAP kept). A background mirror and an active
     * commit copy the chunk again after each guest write, and their searches pass 200,000 states; they are sampled
     * over 30 seeded schedules instead (seen failing at seed 1 with MAY_UNMAP kept through mirror_top).
     */
    @Test
    void mirrorTopKeepsTheRaceOffTheSourceThatCorruptsWithoutAJob() throws Exception {
        String top = "write -P 0x21 0 64k\nwrite -z 0 64k\n";
        String race = "aio_write -P 0x22 0 32k\naio_write -z -u 32k 32k\n";
        List<BlockJobSpec> exhaustive = new java.util.ArrayList<>();
        exhaustive.add(null);
        exhaustive.add(new BlockJobSpec.Mirror("tgt.qcow2", CS, BlockJobSpec.CopyMode.WRITE_BLOCKING, 0, 0));
        for (BlockJobSpec job : exhaustive) {
            ExploreSetup s = setup(FixVariant.NONE, job, top, CS, race);
            Exploration x = new Explorer(s, new Judge(s, new QemuImgCheck()), true, 200_000, 10).run();
            System.out.println("race on the top beside " + job + ", fix none: " + x.states() + " states, "
                    + x.interleavings() + " interleavings, " + x.endStates().size() + " end states, " + x.badEndStates()
                    + " bad");
            assertFalse(x.truncated(), String.valueOf(job));
            if (job == null) {
                assertTrue(x.badEndStates() > 0, "the race without a job: no bad end state");
            } else {
                assertEquals(0, x.badEndStates(), job + ": " + x.endStates().values().stream()
                        .map(e -> e.verdict().summary()).toList());
            }
        }
        for (BlockJobSpec job : List.of(
                new BlockJobSpec.Mirror("tgt.qcow2", CS, BlockJobSpec.CopyMode.BACKGROUND, 0, 0),
                new BlockJobSpec.ActiveCommit())) {
            ExploreSetup s = setup(FixVariant.NONE, job, top, CS, race);
            for (long seed = 0; seed < 30; seed++) {
                long sd = seed;
                var e = new dev.blockstep.engine.session.Engine(new dev.blockstep.engine.session.Workload(s.image(),
                        s.name(), CommandSource.of(s.commands()), FixVariant.NONE,
                        () -> dev.blockstep.engine.coroutine.Policies.seededRandom(sd), s.stack(), s.backing(), job));
                e.runToEnd();
                assertTrue(e.finished(), job + " seed " + seed);
                assertEquals(0, ImageCheck.check(ImageBytes.of(e.file()), "top", l -> { }).exitCode(),
                        job + " seed " + seed);
                assertEquals(List.of(), e.node().stderrLines(), job + " seed " + seed);
            }
        }
    }

    /**
     * An exploration's verdict covers the images the job wrote, not only the guest node's own: the target the
     * guest was pivoted onto, the base a commit wrote. A check that flags every image shows whose lines it got.
     */
    @Test
    void theJudgeChecksEveryImageTheJobWrote() throws Exception {
        for (BlockJobSpec job : List.of(new BlockJobSpec.Mirror("tgt.qcow2", CS, BlockJobSpec.CopyMode.BACKGROUND, 0,
                0), new BlockJobSpec.Commit("base.qcow2"), new BlockJobSpec.ActiveCommit())) {
            ExploreSetup s = setup(FixVariant.NONE, job, "write -P 0x21 0 128k\n", 2 * CS);
            var run = dev.blockstep.engine.explore.RandomSearch.runOnce(s, dev.blockstep.engine.coroutine.Policies.fifo());
            var verdict = new Judge(s, image -> List.of("flagged")).judge(run);
            String written = job instanceof BlockJobSpec.Mirror ? "tgt.qcow2" : job instanceof BlockJobSpec.Commit
                    ? "base.qcow2" : "mid.qcow2";
            assertEquals(List.of("flagged", written + ": flagged"), verdict.checkLines(), job.toString());
        }
    }
}
