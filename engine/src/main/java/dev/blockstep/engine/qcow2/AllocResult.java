package dev.blockstep.engine.qcow2;

import java.util.List;

/** What qcow2_alloc_host_offset decided, with s->lock held. */
public sealed interface AllocResult {

    /**
     * The first {@code bytes} of the request go to one contiguous host range starting at {@code hostOffset}.
     * {@code metas} are the new in-flight allocations (newest first, as qemu's l2meta list); empty for a
     * pure in-place overwrite of NORMAL|COPIED clusters.
     */
    record Allocated(long hostOffset, long bytes, List<L2Meta> metas) implements AllocResult {
        public Allocated {
            metas = List.copyOf(metas);
        }
    }

    /**
     * handle_dependencies found an overlapping in-flight allocation of another write. The caller queues
     * itself on {@code dependency} ({@link L2Meta#addDependent}), drops s->lock, sleeps until the dependency
     * is linked, retakes the lock and calls allocHostOffset again from scratch (qemu's {@code goto again}).
     */
    record MustWait(L2Meta dependency) implements AllocResult {
    }
}
