package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.snapshot.Resource;

/**
 * When qemu's two metadata caches make the driver flush the file node, and when the file node's write_gen moves.
 * The engine writes table updates through ({@link HeldTables}), so the bytes never wait for a cache flush; but in
 * qemu, qcow2_cache_flush ends in bdrv_flush(bs->file) with s->lock held, and that flush queues on the file node's
 * flush_queue behind any other flush of the file and yields for its fdatasync. This class follows the state that
 * decides those flushes, as qcow2-cache.c keeps it: whether each cache has a dirty table, which cache it depends on
 * (qcow2_cache_set_dependency), and depends_on_flush; it records the bdrv_flush(bs->file) calls of the operation
 * running, which the block layer then makes as steps before the operation releases s->lock.
 *
 * <p>write_gen is the file node's count of completed writes (bdrv_co_write_req_finish): guest data, COW, zero-fill
 * and punches, and the tables a cache write-back writes. bdrv_co_flush skips the fdatasync when nothing was written
 * since the last flush (flushed_gen == write_gen).
 */
final class CacheDependencies {
    /** One of the two caches. */
    enum Cache { L2, REFCOUNT }

    private final boolean[] dirty = new boolean[2];
    private final boolean[] dependsOnOther = new boolean[2];
    private final boolean[] dependsOnFlush = new boolean[2];
    @dev.blockstep.engine.snapshot.WriteGeneration
    private long writeGen;
    /** write_gen as each bdrv_flush(bs->file) of the operation running read it on entry. */
    private final java.util.List<Long> fileFlushes = new java.util.ArrayList<>();
    private static final long[] NO_FLUSHES = new long[0];
    /** Where the step running declares that it adds to write_gen or reads it. */
    private final Qcow2State s;

    CacheDependencies(Qcow2State s) {
        this.s = s;
    }

    /** A table of {@code c} was updated; {@code dependency} is the cache the update makes it depend on, or null. */
    void updated(Cache c, Cache dependency) {
        if (dependency != null) {
            setDependency(c, dependency);
        }
        dirty[c.ordinal()] = true;
    }

    /** qcow2_cache_flush: write the cache back, then bdrv_flush(bs->file). */
    void cacheFlush(Cache c) {
        cacheWrite(c);
        fileFlush();
    }

    /** qcow2_cache_write: the first dirty table makes the cache's dependency (or pending file flush) go first. */
    void cacheWrite(Cache c) {
        int i = c.ordinal();
        if (!dirty[i]) {
            return;
        }
        if (dependsOnOther[i]) {
            flushDependency(c);
        } else if (dependsOnFlush[i]) {
            fileFlush();
            dependsOnFlush[i] = false;
        }
        dirty[i] = false;
        addWrite();
    }

    /** qcow2_cache_depends_on_flush: the cache's next write-back flushes the file first (after perform_cow). */
    void dependsOnFlush(Cache c) {
        dependsOnFlush[c.ordinal()] = true;
    }

    /** A write of the file node that completes now (data, COW, zero-fill, punch, an 8-byte L1 entry). */
    void fileWritten() {
        addWrite();
    }

    private void addWrite() {
        writeGen++;
        s.observer.accept(Resource.Counter.FILE_WRITE_GEN, true);
    }

    /** bdrv_flush(bs->file) made by the driver itself (bdrv_pwrite_sync of an L1 entry). */
    void fileFlush() {
        fileFlushes.add(writeGen());
    }

    long writeGen() {
        s.observer.accept(Resource.Counter.FILE_WRITE_GEN, false);
        return writeGen;
    }

    /**
     * The file flushes the operation running made since the last call, each as the write_gen it read on entry (the
     * tables written after it in the same operation do not count for it); the list starts again empty.
     */
    long[] takeFileFlushes() {
        // twice in every request step, nearly always empty: no stream pipeline for that
        if (fileFlushes.isEmpty()) {
            return NO_FLUSHES;
        }
        long[] gens = new long[fileFlushes.size()];
        for (int i = 0; i < gens.length; i++) {
            gens[i] = fileFlushes.get(i);
        }
        fileFlushes.clear();
        return gens;
    }

    private void setDependency(Cache c, Cache dependency) {
        if (dependsOnOther[dependency.ordinal()]) {
            flushDependency(dependency);
        }
        dependsOnOther[c.ordinal()] = true;
    }

    /** qcow2_cache_flush_dependency: flush the cache {@code c} depends on, which clears the dependency. */
    private void flushDependency(Cache c) {
        cacheFlush(c == Cache.L2 ? Cache.REFCOUNT : Cache.L2);
        dependsOnOther[c.ordinal()] = false;
        dependsOnFlush[c.ordinal()] = false;
    }
}
