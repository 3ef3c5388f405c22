package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import java.util.List;

/**
 * An intermediate block-commit, as qemu 7.2's block/commit.c: the image under the guest's node (the commit's
 * top) is committed into the image below it (the base), while the guest keeps writing its own node. While the
 * job runs a {@code commit_top} {@link FilterNode} sits between the guest's node and the committed image.
 * commit_run walks the disk in chunks of at most 512 KiB: it sleeps (block_job_ratelimit_sleep yields even
 * with speed 0), asks bdrv_is_allocated_above whether the chunk is allocated in the committed image itself
 * (the base's overlay), and copies such a run with blk_co_pread on the committed image (which reads through to
 * the base) and blk_co_pwrite on the base, flags 0. commit_prepare's bdrv_drop_intermediate then points the
 * guest's node at the base (qcow2_change_backing_file) and the filter leaves the graph; commit_clean reopens
 * the base read-only, which flushes its metadata caches.
 *
 * <p>The base is written in a copy of its own on a node of its own ({@link #base()}): the chain the run was
 * given is shared with restarts and is never changed. The base write runs as a coroutine of its own, which the
 * job waits for, as the stream job's prefetch does; the steps and their order are the same as qemu's. The
 * committed image's block status and read need no lock step: nothing else writes it while the job runs.
 */
public final class CommitJob extends BlockJob {
    /** COMMIT_BUFFER_SIZE in block/commit.c. */
    static final long COMMIT_BUFFER_SIZE = 512 * 1024;

    private enum P { SLEEP, ITERATE, READ, READ_DONE, WRITTEN, PREPARE, DONE }

    private final BackingImage.Qcow2 committed;
    private final BlockNode base;
    /** The base's file name, as the committed image's header names it. */
    private final String baseName;
    private final BackingFile newLink;
    private final FilterNode filter;
    private P p = P.SLEEP;
    private long pos;
    private long n;
    private byte[] buf;

    private CommitJob(int id, String name, BlockNode node, BackingImage.Qcow2 committed, BlockNode base,
                      String baseName, BackingFile newLink) {
        super(id, name, node, "block-commit");
        this.committed = committed;
        this.base = base;
        this.baseName = baseName;
        this.newLink = newLink;
        this.filter = new FilterNode(name + "-commit-top", FilterNode.Kind.COMMIT_TOP,
                FilterNode.Position.ABOVE_BACKING);
        node.insertFilter(filter);
    }

    /**
     * block-commit of {@code node}'s backing image into the image below that, inserting the commit_top filter.
     *
     * @param backingFile what the guest node's header names when the job ends (QMP's {@code backing-file};
     *                    qemu's default is the base's file name as it opened it)
     * @throws ImageFormatException one line when the chain has no qcow2 image to commit with a qcow2 base
     */
    public static CommitJob start(int id, String name, BlockNode node, String backingFile)
            throws ImageFormatException {
        if (!(node.driver().backingImage() instanceof BackingImage.Qcow2 top)) {
            throw new ImageFormatException(name + ": block-commit: expected a qcow2 backing image under the node to "
                    + "commit, got " + (node.driver().backingFile() == null ? "none" : node.driver().backingFile()));
        }
        String committed = node.driver().backingFile().name();
        if (!(top.driver().backingImage() instanceof BackingImage.Qcow2 below)) {
            throw new ImageFormatException(name + ": block-commit: expected a qcow2 base under " + committed
                    + ", got " + (top.driver().backingFile() == null ? "none" : top.driver().backingFile()));
        }
        if (below.size() < top.size()) {
            throw new ImageFormatException(name + ": block-commit: base " + top.driver().backingFile().name()
                    + " is smaller than " + committed + " (" + below.size() + " < " + top.size()
                    + " bytes); blockstep does not model growing the base");
        }
        BlockNode base = new BlockNode(FixVariant.NONE, false, DetectZeroes.OFF);
        BackingImage underBase = below.driver().backingImage();
        base.attach(Qcow2Driver.open(below.driver().file().copy(), backingFile, base.eventSink(),
                underBase == null ? null : link -> underBase));
        return new CommitJob(id, name, node, top, base, top.driver().backingFile().name(),
                new BackingFile(backingFile, "qcow2"));
    }

    /** The base as the job leaves it: a copy of the chain's base with the committed clusters written. */
    public Qcow2Driver base() {
        return base.driver();
    }

    @Override
    public List<WrittenImage> writtenImages() {
        return List.of(new WrittenImage(baseName, base.driver()));
    }

    @Override
    public String phase() {
        return switch (p) {
            case SLEEP -> RATELIMIT_SLEEP;
            case ITERATE -> "commit_one_iteration";
            case READ -> "blk_co_pread";
            case READ_DONE -> "thread_pool_complete";
            case WRITTEN -> "blk_co_pwrite";
            case PREPARE -> "commit_prepare";
            case DONE -> "done";
        };
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        String name = name();
        switch (p) {
            case SLEEP -> {
                return ratelimitSleep(cx, pos, () -> p = P.ITERATE, () -> p = P.PREPARE);
            }
            case ITERATE -> {
                boolean copy = allocatedRun();
                cx.name("commit_one_iteration").guest(pos, n);
                if (!copy) {
                    cx.narrate(name + " skips guest " + hex(pos) + "+" + hex(n) + ": the committed image does not "
                            + "allocate it.");
                    pos += n;
                    p = P.SLEEP;
                    return Outcome.CONTINUE;
                }
                cx.narrate(name + " reads guest " + hex(pos) + "+" + hex(n) + ", allocated in the committed image.");
                p = P.READ;
                return Outcome.CONTINUE;
            }
            case READ -> {
                cx.name("blk_co_pread").guest(pos, n).narrate(name + " submits the read of the committed image.");
                p = P.READ_DONE;
                return Outcome.IN_DATA_IO;
            }
            case READ_DONE -> {
                buf = new byte[(int) n];
                committed.read(pos, buf, 0, buf.length);
                WriteRequest w = new WriteRequest(cx.scheduler().nextId(), name + ".write", base, pos, buf);
                cx.name("thread_pool_complete").guest(pos, n).narrate(name + "'s read completes; it writes the bytes "
                        + "into the base with " + w.name() + " and waits for it.");
                p = P.WRITTEN;
                return issueAndWait(cx, w, "blk_co_pwrite");
            }
            case WRITTEN -> {
                cx.name("blk_co_pwrite").guest(pos, n).narrate(name + "'s write of guest " + hex(pos)
                        + " into the base is done.");
                buf = null;
                pos += n;
                p = P.SLEEP;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                node.driver().changeBackingFile(id(), newLink, new BackingImage.Qcow2(base.driver()));
                node.removeFilter(filter);
                base.driver().flushToOs(id());
                cx.name("commit_prepare").narrate(name + " completes: the node's backing file is now "
                        + newLink.name() + ", " + filter.nodeName() + " leaves the graph and the base is reopened "
                        + "read-only.");
                p = P.DONE;
                return finishUntracked(cx);
            }
            default -> throw new IllegalStateException(name + " is done");
        }
    }

    /**
     * bdrv_is_allocated_above from the committed image down to (and including) itself, for the chunk at
     * {@link #pos}: sets {@link #n} to the run of clusters with one answer and returns whether it is allocated.
     */
    private boolean allocatedRun() {
        Qcow2Driver d = committed.driver();
        long cs = d.clusterSize();
        long end = Math.min(bytes, pos + COMMIT_BUFFER_SIZE);
        boolean first = allocated(d, pos);
        long run = pos;
        while (run < end && allocated(d, run) == first) {
            run = Math.min(end, run - run % cs + cs);
        }
        n = run - pos;
        return first;
    }

    private boolean allocated(Qcow2Driver d, long guest) {
        return d.clusters().map(id(), guest).type() != ClusterType.UNALLOCATED;
    }
}
