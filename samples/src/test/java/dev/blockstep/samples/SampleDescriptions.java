package dev.blockstep.samples;

import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.List;

/** Titles and descriptions of the recorded samples; each sentence is checked by a test in this module. */
final class SampleDescriptions {

    static final String MINIMAL_RACE = "One aio_write -P 0x22 0 64k (W1) and one aio_write -z -u 0 64k (Z2) on guest"
            + " cluster 0, which a separate setup session made ZERO_ALLOC at host cluster 5 (0x50000); fix off, FIFO"
            + " order (qemu-io -c's own order), 36 steps. W1 decides to reuse host cluster 5 in place and drops s->lock"
            + " for its data write; Z2 takes the lock, zeroes guest cluster 0 and frees host cluster 5; W1 then"
            + " relinks guest cluster 0 to host cluster 5, whose refcount is now 0. qemu-img check of the final image"
            + " prints ERROR cluster 5 refcount=0 reference=1 and ERROR OFLAG_COPIED data cluster:"
            + " l2_entry=8000000000050000 refcount=0, reports 2 errors were found on the image, and exits 2."
            + " No qcow2_free_clusters failed line is printed.";

    static final String MINIMAL_RACE_FIXED = "The workload of minimal-race with the fix on from step 0: Z2 is"
            + " serialising, so it waits for W1's overlapping tracked request to end before it takes s->lock; FIFO"
            + " order, 36 steps. qemu-img check of the final image: No errors were found on the image (exit 0).";

    static final String UPSTREAM = "The upstream test's workload: 5000 commands from java.util.Random(1), each an"
            + " aio_write -P of a random byte or an aio_write -z -u, 64k at one of guest clusters 0..7, with an"
            + " aio_flush after every 50; fresh 16 MiB image, fix off, FIFO order (qemu-io -c's own order), 79923"
            + " steps. What this engine shows: qemu-img check finds No errors were found on the image (exit 0), and"
            + " no qcow2_free_clusters failed line is printed. Without a plain write-zeroes no cluster is ever"
            + " ZERO_ALLOC, so the in-place reuse that relinks a freed cluster (facts 5.1, variant A) never happens;"
            + " on this recorded run the data oracle (DataOracle) finds no drift either. Other schedules do drift:"
            + " exhaustive exploration of the upstream mix in its smallest form (scenario upstream-mix: W1 aio_write"
            + " -P 0x22 0 64k, Z2 aio_write -z -u 0 64k and W3 aio_write -P 0x33 64k 64k, after a setup session"
            + " wrote 0x11 to guest cluster 0) finds 348 of the 1810 interleavings (each a class of equivalent"
            + " schedules) in which guest data drifts while qemu-img check stays clean: W1's in-place data write is"
            + " still in flight when Z2 frees its host cluster and W3 reallocates it, so guest cluster 1 ends up"
            + " holding 0x22 instead of W3's 0x33 (variant B). With the fix none of the 293 interleavings drifts."
            + " This is an engine result, not observed on real qemu (the facts file marks variant B as unverified).";

    static final String UPSTREAM_Z = "upstream-regression with plain aio_write -z mixed in: 5000 commands from"
            + " java.util.Random(1), each uniformly an aio_write -P, an aio_write -z -u or an aio_write -z, 64k at"
            + " one of guest clusters 0..7, with an aio_flush after every 50; fix off, FIFO order, 73500 steps."
            + " Plain write-zeroes make clusters ZERO_ALLOC, and the race corrupts: the run prints 73"
            + " qcow2_free_clusters failed: Invalid argument lines, and qemu-img check of the final image prints"
            + " ERROR cluster 5 refcount=0 reference=1 and ERROR OFLAG_COPIED data cluster:"
            + " l2_entry=8000000000050000 refcount=0, reports 2 errors were found on the image, and exits 2.";

    static final String BLOCK_STREAM = "A real block job beside the guest: QMP block-stream (job-id job0, device d0,"
            + " no base: the whole chain) into a 256 KiB top over mid.qcow2 over base.qcow2 (base 0x11 over [0, 128k),"
            + " mid 0x33 at [64k, 68k), top 0x21 over [0, 64k)), started before the guest's commands; the guest sends"
            + " aio_write -z -u 0 64k (Z2) on the top's allocated first cluster and discard 64k 64k (D3) on its second"
            + " cluster, which the top does not allocate and the stream copies up. Fix off, FIFO order, 46 steps."
            + " block-stream inserts a copy-on-read filter node above the top, opened without BDRV_O_UNMAP, and"
            + " bdrv_co_pdiscard ignores a discard on such a node: D3, sent while the job runs, does nothing, and the"
            + " stream copies 0x33 and 0x11 into the cluster the guest discarded. Z2 passes the filter with MAY_UNMAP"
            + " and frees the top's first cluster. The top ends with no backing file, reading zeros over [0, 64k),"
            + " 0x33 over [64k, 68k), 0x11 over [68k, 128k) and zeros after. qemu-img check: No errors were found on"
            + " the image. Exhaustive exploration of this trace finds 41 interleavings, fix off and on alike, all"
            + " clean, ending in 2 states: this replay's, and one where D3 comes after stream_prepare has dropped the"
            + " filter and the second cluster reads as zeros. Real qemu 7.2 (qemu-system -machine none, the same chain on -drive discard=unmap, QMP"
            + " block-stream, HMP qemu-io for the guest) corrupted 0 of 10 runs; in 6 of them the guest view was this"
            + " replay's, in the other 4 the second cluster read as zeros, the discard having applied.";

    static final String BLOCK_COMMIT = "A real block job beside the guest: an intermediate QMP block-commit (job-id"
            + " job0, device d0, top mid.qcow2, base base.qcow2, backing-file base.qcow2) of a 256 KiB chain (base"
            + " 0x11 over [0, 128k), mid 0x33 at [64k, 68k), top 0x21 over [0, 128k)), started before the guest's"
            + " commands; the guest sends aio_write -z -u 0 64k (Z2) and discard 64k 64k (D3) on the top. Fix off,"
            + " FIFO order, 48 steps. The job reads mid and writes only base, the guest writes only the top, so no"
            + " request of one touches the other's image: Z2 and D3 free the top's clusters, the base ends holding"
            + " 0x11 with 0x33 at [64k, 68k), and the top names base.qcow2 as its backing file and reads zeros over"
            + " [0, 128k). qemu-img check: No errors were found on the image. Exhaustive exploration of this trace"
            + " finds 587 interleavings, fix off and on alike, all clean. Real qemu 7.2"
            + " (qemu-system -machine none, the same chain on -drive discard=unmap, QMP block-commit, HMP qemu-io for"
            + " the guest) agrees: it corrupted 0 of 10 runs, each leaving the guest view of this replay.";

    static final String BLOCKDEV_MIRROR = "A real block job beside the guest: QMP blockdev-mirror (job-id job0, device"
            + " d0, target tgt, sync full, copy-mode background) of a 128 KiB image holding 0x21 into a fresh empty"
            + " qcow2 target (blockdev-add with its defaults, so discard=ignore), started before the guest's commands;"
            + " the guest sends aio_write -z -u 0 64k (Z4) and discard 64k 64k (D6) on a drive with discard=unmap. The"
            + " job is completed as soon as it is ready, which pivots the guest onto the target. Fix off, FIFO order,"
            + " 66 steps. While the job runs its mirror_top filter node sits above the source, opened without"
            + " BDRV_O_UNMAP: Z4 reaches the source without MAY_UNMAP, so its cluster stays allocated and reads as"
            + " zeros, and D6 does nothing (bdrv_co_pdiscard ignores a discard on such a node), so no guest request"
            + " frees a cluster the job reads. The job copies cluster 0 as a zero write (an unallocated zero cluster"
            + " on the target) and cluster 1 as data; source and target end reading zeros over [0, 64k) and 0x21 over"
            + " [64k, 128k). qemu-img check: No errors were found on the image, source and target. Exhaustive"
            + " exploration of this trace, checking source and target, finds 3402 interleavings with the fix off and"
            + " 1848 with it on, all clean and all ending in the same state. Real qemu 7.2 (qemu-system -machine"
            + " none, the image on -drive discard=unmap, blockdev-add and QMP blockdev-mirror, HMP qemu-io for the"
            + " guest, block-job-complete on BLOCK_JOB_READY) agrees: it corrupted 0 of 10 runs, each leaving a source"
            + " and a target that read, map and check as this replay's. With copy-mode write-blocking (scenario"
            + " guest-mirror-write-blocking) 10 real runs were clean too, the target's cluster 0 left allocated by"
            + " mirror_top's own copy of Z4.";

    static final String DIRTY = "Real qemu-io 7.2 left this image (dirty-lazy-refcounts.qcow2, 1 MiB, 64k clusters,"
            + " lazy_refcounts=on): one session wrote 0x11 over [0, 256k) and closed; a second wrote 0x22 over"
            + " [256k, 384k), discarded [0, 128k), flushed and was killed by sigraise 9. Its L2 tables reached the file,"
            + " its refcount updates did not, and the dirty bit stayed set: qemu-img check of the file prints Leaked"
            + " cluster 5 refcount=1 reference=0 and Leaked cluster 6 refcount=1 reference=0, an error line for"
            + " cluster 9 refcount=0 reference=1 and one for cluster 10 refcount=0 reference=1 (and two OFLAG_COPIED"
            + " errors), finds 4 errors and 2 leaked clusters, and exits 2. Opening it read-write repairs it first, as qemu-io does: 2 leaked"
            + " clusters freed and 2 refcounts fixed (the counts qemu-img check -r all prints), the refcount structure"
            + " rebuilt with its table at 0x60000, and the dirty bit cleared; the debugger shows that repaired copy and"
            + " leaves the file as it is. Then aio_write -P 0x33 0 64k (W1) allocates host cluster 1 (0x10000), which"
            + " the rebuild freed; fix off, FIFO order, 20 steps. The final image is byte-identical to the one real"
            + " qemu-io leaves running the same on a copy of the file, and qemu-img check of it: No errors were found"
            + " on the image.";

    static final String GUEST_ONLY = "Ordered guest traffic: 8 batches of 5 aio requests (aio_write -P, aio_write"
            + " -z -u or aio_write -z, from java.util.Random(1)) on 5 distinct clusters of 0..7, each batch ended by"
            + " aio_flush, so no two overlapping requests are ever in flight; clusters 0..3 start ZERO_ALLOC. Fix"
            + " off, recorded under a random schedule with seed 1, 608 steps. qemu-img check: No errors were found"
            + " on the image, and it stays clean under every schedule tried (the test runs 200 random seeds).";

    static final String NBD_ZERO_RACE = "The minimal race through qemu-nbd: the export has qemu-nbd's defaults"
            + " (--discard=ignore, writeback) and one qemu-io client (raw over nbd+unix://, writethrough, so each"
            + " write carries FUA) sends aio_write -P 0x22 0 64k (W1, an NBD WRITE) and aio_write -z -u 0 64k (Z2, an"
            + " NBD WRITE_ZEROES without NO_HOLE) on guest cluster 0, ZERO_ALLOC at host cluster 5; fix off, FIFO"
            + " order, 35 steps. The server calls blk_co_pwrite_zeroes with MAY_UNMAP, which never passes"
            + " bdrv_co_pwrite_zeroes' BDRV_O_UNMAP check, so --discard=ignore does not stop Z2 from freeing host"
            + " cluster 5 while W1's data write is in flight; W1 relinks it. qemu-img check of the final image prints"
            + " ERROR cluster 5 refcount=0 reference=1 and ERROR OFLAG_COPIED data cluster:"
            + " l2_entry=8000000000050000 refcount=0 and exits 2, as real qemu-nbd 7.2 with one qemu-io client left"
            + " it in 7 of 10 runs (with aio_write -z, sent with NO_HOLE, 0 of 8 runs corrupted).";

    static final String DETECT_ZEROES_RACE = "Two data writes and no write-zeroes command: qemu-io opens the image"
            + " with discard=unmap,detect-zeroes=unmap and sends aio_write -P 0x22 0 64k (W1) and aio_write -P 0 0 64k"
            + " (W2) on guest cluster 0, ZERO_ALLOC at host cluster 5; fix off, FIFO order, 36 steps. After"
            + " bdrv_co_write_req_prepare, bdrv_aligned_pwritev finds W2's buffer all zero and turns W2 into a zero"
            + " write with MAY_UNMAP, which frees host cluster 5 while W1's data write is in flight; W1 relinks it."
            + " qemu-img check of the final image prints ERROR cluster 5 refcount=0 reference=1 and ERROR"
            + " OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0 and exits 2, as real qemu-io 7.2"
            + " (--image-opts driver=qcow2,file.filename=IMG,discard=unmap,detect-zeroes=unmap) left it in 10 of 10"
            + " runs. The fix does not close it: it marks requests serialising at bdrv_co_pwritev_part entry, where"
            + " W2 is still a data write.";

    static final String SUBCLUSTER = "No overlap: one aio_write -P 0x22 0 32k (W1) on the first half and one"
            + " aio_write -z -u 32k 32k (Z2) on the second half of guest cluster 0, which a separate setup session made"
            + " ZERO_ALLOC at host cluster 5 (0x50000); fix off, FIFO order (qemu-io -c's own order), 45 steps. W1"
            + " decides to reuse host cluster 5 in place and drops s->lock (handle_alloc_space finds the second half"
            + " reading as zero, so W1 zeroes the cluster on the file instead of copying it); Z2 does not cover its"
            + " cluster, so"
            + " qcow2_co_pwrite_zeroes asks block status about the first half, which still reads as zero because W1"
            + " has not linked it yet, and widens Z2 to the whole cluster: it frees host cluster 5, and W1 relinks guest"
            + " cluster 0 to it. qemu-img check of the final image prints ERROR cluster 5 refcount=0 reference=1 and"
            + " ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0, reports 2 errors were found on"
            + " the image, and exits 2. Real qemu-io 7.2 run with the same two commands and aio_flush on the same"
            + " setup printed the same two errors in 20 runs out of 20.";

    private SampleDescriptions() {
    }

    /** One recorded sample: its workload, the schedule's seed (null: FIFO), title and description. */
    private record Entry(String name, Workload workload, Long seed, String title, String description) {
    }

    private interface Workload {
        Trace trace() throws Exception;
    }

    private static List<Entry> entries() {
        return List.of(
                new Entry("minimal-race", () -> SampleWorkloads.minimalRace(false), null,
                        "an allocating write and a write-zeroes with unmap on one ZERO_ALLOC cluster corrupt the"
                        + " image", MINIMAL_RACE),
                new Entry("minimal-race-fixed", () -> SampleWorkloads.minimalRace(true), null,
                        "the same two requests with the fix on: the zero-write waits for the writer, the image is"
                        + " clean", MINIMAL_RACE_FIXED),
                new Entry("upstream-regression", () -> SampleWorkloads.upstream(1, 5000, 50, false), null,
                        "the upstream test's 5000-command aio_write / aio_write -z -u mix", UPSTREAM),
                new Entry("upstream-regression-z", () -> SampleWorkloads.upstream(1, 5000, 50, true), null,
                        "the upstream mix with plain aio_write -z added corrupts the image", UPSTREAM_Z),
                new Entry("block-stream-discard", SampleWorkloads::blockStream, null,
                        "block-stream beside guest zero writes and discards leaves a clean image", BLOCK_STREAM),
                new Entry("block-commit-discard", SampleWorkloads::blockCommit, null,
                        "an intermediate block-commit beside guest zero writes and discards leaves clean images",
                        BLOCK_COMMIT),
                new Entry("blockdev-mirror-discard", () -> SampleWorkloads.scenario("guest-mirror"), null,
                        "blockdev-mirror beside guest zero writes and discards leaves clean images",
                        BLOCKDEV_MIRROR),
                new Entry("subcluster-race", SampleWorkloads::subclusterRace, null,
                        "a data write and a write-zeroes with unmap on the two halves of one ZERO_ALLOC cluster"
                        + " corrupt the image", SUBCLUSTER),
                new Entry("guest-only", () -> SampleWorkloads.guestOnly(1, 8), 1L,
                        "ordered guest traffic never corrupts", GUEST_ONLY),
                new Entry("dirty-lazy-refcounts", SampleWorkloads::dirtyLazyRefcounts, null,
                        "qemu repairs a dirty lazy-refcounts image real qemu-io left when killed, on open", DIRTY),
                // the samples of the exposure paths, whose workloads are the shipped scenarios of the same names
                new Entry("nbd-zero-race", () -> SampleWorkloads.scenario("nbd-zero-race"), null,
                        "an NBD client's WRITE and WRITE_ZEROES race on a qemu-nbd export with --discard=ignore",
                        NBD_ZERO_RACE),
                new Entry("detect-zeroes-race", () -> SampleWorkloads.scenario("detect-zeroes-race"), null,
                        "detect-zeroes=unmap turns a write of zeros into the zero write that frees the writer's"
                        + " cluster", DETECT_ZEROES_RACE));
    }

    static void recordAll(Path dir) throws Exception {
        record(dir, entries().stream().map(Entry::name).toList());
    }

    /** Records the samples named, refusing a name that is not one of them. */
    static void record(Path dir, List<String> names) throws Exception {
        List<Entry> all = entries();
        for (String n : names) {
            if (all.stream().noneMatch(e -> e.name().equals(n))) {
                throw new IllegalArgumentException("no recorded sample called " + n);
            }
        }
        for (Entry e : all) {
            if (names.contains(e.name())) {
                SampleRecorder.record(dir, e.name(), e.workload().trace(), e.seed(), e.title(), e.description());
            }
        }
    }
}
