package dev.blockstep.samples;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The workloads of the samples, before a schedule is recorded for them (see {@link SampleRecorder}). */
final class SampleWorkloads {

    static final long SIZE = 16L << 20;
    static final int CLUSTER = 65536;

    private SampleWorkloads() {
    }

    static Command write(String co, long offset, int pattern) {
        return new Command.Write(true, co, Producer.GUEST, offset, CLUSTER, pattern, false, false, false);
    }

    static Command zero(String co, long offset, boolean unmap) {
        return new Command.Write(true, co, Producer.GUEST, offset, CLUSTER, null, true, unmap, false);
    }

    static Command serialWrite(long offset, long bytes, int pattern) {
        return new Command.Write(false, null, Producer.GUEST, offset, bytes, pattern, false, false, false);
    }

    static Command serialZero(long offset, long bytes) {
        return new Command.Write(false, null, Producer.GUEST, offset, bytes, null, true, false, false);
    }

    /** Guest clusters 0..n-1 hold data, then a plain write-zeroes makes them ZERO_ALLOC (facts §5.2 setup). */
    static ImageSetup zeroAlloc(int n) {
        return new ImageSetup.Fresh(SIZE, CLUSTER, List.of(serialWrite(0, (long) n * CLUSTER, 0x11),
                serialZero(0, (long) n * CLUSTER)));
    }

    /** The same trace with the fix on from step 0. */
    static Trace fixed(Trace t) {
        return Trace.of(t.metadata(), t.image(), t.workload(), FixSetting.ofToggles(true, List.of()))
                .withProducer(t.producer(), t.node()).withJob(t.job());
    }

    static Trace minimalRace(boolean fix) {
        return Trace.of(Metadata.empty(), zeroAlloc(1),
                List.of(write("w0", 0, 0x22), zero("z1", 0, true), new Command.AioFlush(null)),
                FixSetting.ofToggles(fix, List.of()));
    }

    /** The base image of dirty-lazy-refcounts: what real qemu-io left when killed (DirtySampleTest makes it). */
    static final String DIRTY_IMAGE = "dirty-lazy-refcounts.qcow2";

    static final String DIRTY_SHA256 = "fd7fa1ef5b54b67852c73dca8129a80a6252e92a1f9ea5d0c0681a539468ede8";

    /** One allocating write on the dirty image real qemu-io left, after the open has repaired it. */
    static Trace dirtyLazyRefcounts() {
        return Trace.of(Metadata.empty(), new ImageSetup.Base(DIRTY_IMAGE, DIRTY_SHA256, List.of()),
                List.of(write("w0", 0, 0x33), new Command.AioFlush(null)), FixSetting.ofToggles(false, List.of()));
    }

    /** The workload of the shipped scenario NAME (its producer and node options included), from the start. */
    static Trace scenario(String name) throws Exception {
        try (java.io.InputStream in = SampleWorkloads.class.getResourceAsStream("/scenarios/" + name + ".json")) {
            return dev.blockstep.trace.io.TraceReader.read(in, name + ".json");
        }
    }

    /**
     * The halves of one ZERO_ALLOC cluster, no overlap: W1 aio_write -P 0x22 0 32k, Z2 aio_write -z -u 32k 32k
     * (real-qemu-findings: plain qemu-io corrupts with these).
     */
    static Trace subclusterRace() {
        int half = CLUSTER / 2;
        return Trace.of(Metadata.empty(), zeroAlloc(1), List.of(
                new Command.Write(true, "w0", Producer.GUEST, 0, half, 0x22, false, false, false),
                new Command.Write(true, "z1", Producer.GUEST, half, half, null, true, true, false),
                new Command.AioFlush(null)), FixSetting.ofToggles(false, List.of()));
    }

    /**
     * The upstream test's mix: {@code commands} requests, each an aio_write -P of a random byte or an
     * aio_write -z -u (and, with {@code plainZero}, an aio_write -z) on one of 8 clusters, chosen uniformly by a
     * seeded java.util.Random, with an aio_flush after every {@code flushEvery} and at the end.
     */
    static Trace upstream(long seed, int commands, int flushEvery, boolean plainZero) {
        Random r = new Random(seed);
        List<Command> w = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            long offset = (long) r.nextInt(8) * CLUSTER;
            int kind = r.nextInt(plainZero ? 3 : 2);
            w.add(switch (kind) {
                case 0 -> write("w" + i, offset, 1 + r.nextInt(255));
                case 1 -> zero("z" + i, offset, true);
                default -> zero("z" + i, offset, false);
            });
            if ((i + 1) % flushEvery == 0 || i + 1 == commands) {
                w.add(new Command.AioFlush(null));
            }
        }
        return Trace.of(Metadata.empty(), new ImageSetup.Fresh(SIZE, CLUSTER, List.of()), w,
                FixSetting.ofToggles(false, List.of()));
    }

    /** The chains' virtual size: small enough that exploration covers every interleaving with the job. */
    static final long CHAIN_SIZE = 4L * CLUSTER;

    /**
     * base.qcow2: 0x11 over [0, 128k); mid.qcow2 over it: 0x33 at [64k, 68k); the top over mid.qcow2: 0x21 over
     * [0, topBytes). The layout of the real qemu-system runs the job samples are checked against.
     */
    static ImageSetup chain(long topBytes) {
        ImageSetup base = new ImageSetup.Fresh(CHAIN_SIZE, CLUSTER, List.of(serialWrite(0, 2L * CLUSTER, 0x11)));
        ImageSetup mid = new ImageSetup.Fresh(CHAIN_SIZE, CLUSTER, List.of(serialWrite(CLUSTER, 4096, 0x33)),
                new BackingLayer("base.qcow2", "qcow2", base));
        return new ImageSetup.Fresh(CHAIN_SIZE, CLUSTER, List.of(serialWrite(0, topBytes, 0x21)),
                new BackingLayer("mid.qcow2", "qcow2", mid));
    }

    /** The guest traffic beside the jobs: aio_write -z -u 0 64k (Z2), then discard 64k 64k (D3), named as the engine names them (the job is coroutine 1). */
    static List<Command> jobGuest() {
        return List.of(zero("Z2", 0, true), new Command.Discard("D3", Producer.GUEST, CLUSTER, CLUSTER));
    }

    /** block-stream of the whole chain into the top (whose second cluster is unallocated) beside the guest. */
    static Trace blockStream() {
        return Trace.of(Metadata.empty(), chain(CLUSTER), jobGuest(), FixSetting.off())
                .withJob(new JobCommand.BlockStream("job0", "d0", null, null, 0));
    }

    /** An intermediate block-commit of mid.qcow2 into base.qcow2 beside the guest on the top. */
    static Trace blockCommit() {
        return Trace.of(Metadata.empty(), chain(2L * CLUSTER), jobGuest(), FixSetting.off())
                .withJob(new JobCommand.BlockCommit("job0", "d0", "mid.qcow2", "base.qcow2", "base.qcow2", 0));
    }

    /**
     * Ordered guest traffic: batches of aio requests on distinct clusters (so no two overlapping requests are ever
     * in flight), each batch ended by aio_flush, on clusters 0..3 ZERO_ALLOC and 4..7 unallocated at the start.
     */
    static Trace guestOnly(long seed, int batches) {
        Random r = new Random(seed);
        List<Command> w = new ArrayList<>();
        int n = 0;
        for (int b = 0; b < batches; b++) {
            List<Integer> clusters = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
            java.util.Collections.shuffle(clusters, r);
            for (int i = 0; i < 5; i++) {
                long offset = (long) clusters.get(i) * CLUSTER;
                int kind = r.nextInt(3);
                String co = (kind == 0 ? "w" : "z") + n++;
                w.add(switch (kind) {
                    case 0 -> write(co, offset, 1 + r.nextInt(255));
                    case 1 -> zero(co, offset, true);
                    default -> zero(co, offset, false);
                });
            }
            w.add(new Command.AioFlush(null));
        }
        return Trace.of(Metadata.empty(), zeroAlloc(4), w, FixSetting.ofToggles(false, List.of()));
    }
}
