package dev.blockstep.engine.block;

import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.qcow2.Qcow2Compress;
import java.util.Arrays;

/**
 * A compressed write (qemu-io {@code write -c}): blk_pwrite_compressed enters bdrv_co_pwritev_part with
 * BDRV_REQ_WRITE_COMPRESSED, and bdrv_aligned_pwritev hands it to qcow2_co_pwritev_compressed_part, which checks
 * the alignment and then, per cluster, compresses in the thread pool, takes s->lock for
 * qcow2_alloc_compressed_cluster_offset and the overlap check, drops it and writes the compressed bytes. A cluster
 * that does not compress into cluster_size - 1 bytes goes through the normal qcow2 write instead. The write cache
 * mode's FUA does not reach the compressed path (bdrv_driver_pwritev_compressed takes no flags), so there is no
 * flush. qemu runs the clusters of a longer write as up to 8 parallel pool tasks; they run here one after another,
 * in guest order. Not modelled: detect-zeroes turning an all-zero compressed write into a zero write.
 */
public final class CompressedWriteRequest extends RequestCoroutine {
    private enum P { BEGIN, PREPARE, CHECK, COMPRESS, ALLOC, DATA, NORMAL_WRITE, END, DONE }

    private P p = P.BEGIN;
    private final byte pattern;
    /** The buffer written (qemu-img convert -c), or null for one filled with {@link #pattern}. */
    private final byte[] data;
    private long pos;
    private byte[] compressed;
    private long host;
    private Qcow2Writev normal;

    public CompressedWriteRequest(int id, String name, BlockNode node, String request, long offset, long bytes,
                                  int pattern, RequestFlags flags) {
        super(id, name, node, request, offset, bytes, flags.with(RequestFlags.WRITE_COMPRESSED));
        this.pattern = (byte) pattern;
        this.data = null;
    }

    /** blk_co_pwrite with BDRV_REQ_WRITE_COMPRESSED of {@code data}, as qemu-img convert -c writes its target. */
    public CompressedWriteRequest(int id, String name, BlockNode node, String request, long offset, byte[] data,
                                  RequestFlags flags) {
        super(id, name, node, request, offset, data.length, flags.with(RequestFlags.WRITE_COMPRESSED));
        this.pattern = 0;
        this.data = data;
    }

    @Override
    public String phase() {
        return switch (p) {
            case BEGIN -> "bdrv_co_pwritev_part";
            case PREPARE -> "bdrv_co_write_req_prepare";
            case CHECK -> "qcow2_co_pwritev_compressed_part";
            case COMPRESS -> "qcow2_co_compress";
            case ALLOC -> "qcow2_alloc_compressed_cluster_offset";
            case DATA -> "bdrv_co_pwrite";
            case NORMAL_WRITE -> normal.phase();
            case END -> "tracked_request_end";
            case DONE -> "done";
        };
    }

    @Override
    protected void abortAfterError(StepContext cx) {
        if (normal != null) {
            normal.abort(cx);
        }
    }

    @Override
    protected Outcome runPhase(StepContext cx) {
        int cs = node.driver().clusterSize();
        long chunk = Math.min(bytes - pos, cs);
        switch (p) {
            case BEGIN -> {
                enterPwritev(cx);
                p = P.PREPARE;
                return Outcome.CONTINUE;
            }
            case PREPARE -> {
                Outcome w = writeReqPrepareWait(cx);
                if (w != null) {
                    return w;
                }
                cx.narrate(name() + " has no serialising request to wait for and goes on to the driver.");
                p = P.CHECK;
                return Outcome.CONTINUE;
            }
            case CHECK -> {
                cx.name("qcow2_co_pwritev_compressed_part").guest(offset, bytes);
                node.driver().checkCompressedWrite(offset, bytes);
                if (bytes == 0) {
                    // qemu-img convert -c's end-of-file signal: the file is truncated to bdrv_getlength, its length
                    // rounded up to whole sectors
                    node.driver().alignFileEnd(id());
                }
                p = bytes == 0 ? P.END : P.COMPRESS;
                cx.narrate(name() + " covers whole clusters and compresses them one by one.");
                return Outcome.CONTINUE;
            }
            case COMPRESS -> {
                cx.name("qcow2_co_compress").guest(offset + pos, chunk);
                byte[] cluster = new byte[cs];
                // the last cluster of a disk whose size is not cluster-aligned is padded with zeros
                if (data == null) {
                    Arrays.fill(cluster, 0, (int) chunk, pattern);
                } else {
                    System.arraycopy(data, (int) pos, cluster, 0, (int) chunk);
                }
                compressed = Qcow2Compress.compress(cluster);
                if (compressed == null) {
                    normal = data == null ? new Qcow2Writev(this, node, offset + pos, chunk, pattern)
                            : new Qcow2Writev(this, node, offset + pos,
                            Arrays.copyOfRange(data, (int) pos, (int) (pos + chunk)));
                    p = P.NORMAL_WRITE;
                    cx.narrate(name() + "'s cluster at guest " + hex(offset + pos) + " does not compress; it is "
                            + "written as a normal cluster.");
                    return Outcome.YIELD;
                }
                p = P.ALLOC;
                cx.narrate(name() + " deflates the cluster at guest " + hex(offset + pos) + " to "
                        + compressed.length + " bytes in the thread pool.");
                return Outcome.YIELD;
            }
            case ALLOC -> {
                if (!lock(cx)) {
                    cx.name("qemu_co_mutex_lock_entry").narrate(name() + " wants s->lock to place its compressed "
                            + "cluster, but another coroutine holds it, so " + name() + " queues and sleeps.");
                    return lockBlocked();
                }
                lockReturned(cx);
                cx.name("qcow2_alloc_compressed_cluster_offset").guest(offset + pos, chunk);
                host = node.driver().clusters().allocCompressedClusterOffset(id(), offset + pos, compressed.length);
                unlock(cx);
                cx.host(host, compressed.length);
                p = P.DATA;
                cx.narrate(name() + " places " + compressed.length + " compressed bytes at host " + hex(host)
                        + ", links guest " + hex(offset + pos) + " to them and drops s->lock.");
                return Outcome.YIELD;
            }
            case DATA -> {
                cx.name("bdrv_co_pwrite").guest(offset + pos, chunk);
                node.driver().writeData(id(), host, compressed, 0, compressed.length);
                cx.narrate(name() + " writes the compressed bytes of guest " + hex(offset + pos) + " at host "
                        + hex(host) + ".");
                return nextCluster(chunk);
            }
            case NORMAL_WRITE -> {
                Outcome o = normal.step(cx);
                if (normal.finished()) {
                    normal = null;
                    Outcome next = nextCluster(chunk);
                    return o instanceof Outcome.Continue ? next : o;
                }
                return o;
            }
            case END -> {
                p = P.DONE;
                return endWrite(cx);
            }
            default -> throw new IllegalStateException(name() + " is done");
        }
    }

    private Outcome nextCluster(long chunk) {
        pos += chunk;
        compressed = null;
        p = pos < bytes ? P.COMPRESS : P.END;
        return Outcome.YIELD;
    }
}
