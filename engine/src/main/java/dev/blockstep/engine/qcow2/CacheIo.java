package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.snapshot.WriteGeneration;

/**
 * One I/O of the file node that a write-back of qemu's metadata caches makes with s->lock held, in the order qemu
 * makes them: the block layer turns each into the yield it is in qemu.
 */
public sealed interface CacheIo {
    /** qcow2_cache_entry_flush's bdrv_pwrite of one dirty entry ({@code index}) of a cache. */
    record EntryWrite(boolean l2Cache, int index, long offset) implements CacheIo { }

    /** bdrv_flush(bs->file), which read the file node's write_gen as {@code writeGen} on entry. */
    record FileFlush(@WriteGeneration long writeGen) implements CacheIo { }
}
