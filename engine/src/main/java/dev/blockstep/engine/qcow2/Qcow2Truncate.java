package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

/**
 * qcow2_co_truncate with s->lock held: a shrink discards the cropped clusters (fully, so
 * they fall through to a backing file), empties the L1 entries past the new end (the table keeps its size),
 * checks the refcount table and cuts the file after its last referenced cluster; a growth grows the L1 table to
 * exactly the size needed, preallocates the new area (metadata: the allocating write path without data; falloc and
 * full: {@link Qcow2Preallocation}) and, when the generic layer asks for it (a backing file longer than the old size),
 * zeroes the new clusters. The new size is written last. Errors carry qemu's message.
 */
final class Qcow2Truncate {
    private final Qcow2State s;
    private final Refcounts refcounts;
    private final L2Tables tables;
    private final ZeroAndDiscard zero;
    private final L2Linker linker;

    Qcow2Truncate(Qcow2State s, Refcounts refcounts, L2Tables tables, ZeroAndDiscard zero, L2Linker linker) {
        this.s = s;
        this.refcounts = refcounts;
        this.tables = tables;
        this.zero = zero;
        this.linker = linker;
    }

    /**
     * Everything before the size update. Returns the unaligned head {offset, bytes} that qemu then fills with a
     * real write of zeros (with s->lock dropped), or null.
     */
    long[] resize(long offset, String prealloc, boolean zeroNew) {
        if (offset % 512 != 0) {
            throw new Qcow2Error(Qcow2Error.EINVAL, "The new size must be a multiple of 512");
        }
        long oldLength = zero.roundedVirtualSize();
        long span = (long) s.clusterSize * s.l2Size;
        long newL1Size = (offset + span - 1) / span;
        if (offset < oldLength) {
            if (!prealloc.equals("off")) {
                throw new Qcow2Error(Qcow2Error.EINVAL, "Preallocation can't be used for shrinking an image");
            }
            long from = HostOffsetAllocator.roundUp(offset, s.clusterSize);
            if (oldLength > from) {
                zero.clusterDiscard(from, oldLength - from, true, DiscardType.ALWAYS, true);
            }
            tables.shrinkL1Table(newL1Size);
            checkReftableKeepsEveryBlock();
            long fileSize = s.file.length();
            long end = (lastCluster(fileSize) + 1) * s.clusterSize;
            if (end < fileSize) {
                s.file.truncate(end);
            }
            return null;
        }
        try {
            tables.growL1Table(newL1Size, true);
        } catch (Qcow2Error e) {
            throw new Qcow2Error(e.errno(), "Failed to grow the L1 table: " + e.strerror());
        }
        switch (prealloc) {
            case "metadata" -> preallocateMetadata(oldLength, offset);
            case "falloc", "full" -> {
                Qcow2Preallocation.data(s, refcounts, oldLength, offset, 8, this::linkPreallocated);
                // the protocol's zeroing truncate already made the new clusters read as zero
                zeroNew = false;
            }
            default -> {
            }
        }
        if (!zeroNew || offset <= oldLength) {
            return null;
        }
        long zeroStart = HostOffsetAllocator.roundUp(oldLength, s.clusterSize);
        if (offset > zeroStart) {
            try {
                zero.subclusterZeroize(zeroStart, offset - zeroStart, false, true);
            } catch (Qcow2Error e) {
                throw new Qcow2Error(e.errno(), "Failed to zero out new clusters: " + e.strerror());
            }
        }
        return zeroStart > oldLength ? new long[] {oldLength, Math.min(zeroStart, offset) - oldLength} : null;
    }

    /** qcow2_alloc_cluster_link_l2 of preallocated clusters: no COW, the old clusters freed. */
    private void linkPreallocated(long guest, long host, long nbClusters, long cowStartBytes) {
        linker.linkL2(new L2Meta(s.co, guest, host, (int) nbClusters, false, new L2Meta.CowRegion(0, cowStartBytes),
                new L2Meta.CowRegion(nbClusters << s.clusterBits, 0)));
    }

    /**
     * preallocate_co: the allocating write path over the new area without data (qcow2_alloc_host_offset, then
     * qcow2_handle_l2meta: perform_cow of the partial clusters at either end, link_l2), then the file grows to the
     * end of the last host range. blockstep runs the COW with s->lock held: the truncate's serialising tracked
     * request keeps guest requests off the new area meanwhile.
     */
    private void preallocateMetadata(long from, long to) {
        HostOffsetAllocator allocator = new HostOffsetAllocator(s, refcounts, tables);
        long hostEnd = 0;
        for (long offset = from; offset < to; ) {
            long chunk = Math.min(to - offset, Integer.MAX_VALUE / s.clusterSize * (long) s.clusterSize);
            AllocResult r = allocator.allocHostOffset(offset, chunk);
            if (!(r instanceof AllocResult.Allocated a)) {
                throw new Qcow2Error(Qcow2Error.ENOTSUP, "blockstep: truncate -m metadata met a write still "
                        + "allocating the image's last cluster, which is not modelled");
            }
            for (L2Meta m : a.metas()) {
                if (linker.needsCow(m)) {
                    linker.performCowIo(m, null, 0);
                }
                linker.linkL2(m);
                linker.retire(m);
            }
            hostEnd = a.hostOffset() + a.bytes();
            offset += a.bytes();
        }
        if (hostEnd > s.file.length()) {
            s.file.writeZeroes(s.file.length(), hostEnd - s.file.length());
        }
    }

    /** The header's size field, written synchronously; the disk has its new size from here on. */
    void setSize(long offset) {
        s.file.writeBe64(24, offset);
        refcounts.caches.deps.fileWritten();
        refcounts.caches.deps.fileFlush();
        s.header = s.header.withSize(offset);
        s.virtualSize = offset;
    }

    /**
     * qcow2_shrink_reftable drops refcount blocks that count nothing but themselves. Only images whose host file
     * spans more than one refcount block can have one; blockstep does not model dropping it and says so.
     */
    private void checkReftableKeepsEveryBlock() {
        for (int i = 0; i < s.refcountTableSize; i++) {
            long block = s.refcountTable[i] & REFT_OFFSET_MASK;
            if (block == 0) {
                continue;
            }
            long first = (long) i << s.refcountBlockBits;
            boolean unused = true;
            for (long c = first; c < first + s.refcountBlockSize && unused; c++) {
                unused = c == block >>> s.clusterBits || refcounts.getRefcount(c) == 0;
            }
            if (unused) {
                throw new Qcow2Error(Qcow2Error.ENOTSUP, "blockstep: this shrink would drop the unused refcount "
                        + "block at " + Refcounts.px(block) + ", which is not modelled");
            }
        }
    }

    /** qcow2_get_last_cluster: the last host cluster before {@code size} with a reference. */
    private long lastCluster(long size) {
        for (long i = s.sizeToClusters(size) - 1; i >= 0; i--) {
            if (refcounts.getRefcount(i) > 0) {
                return i;
            }
        }
        throw refcounts.corruption("There are no references in the refcount table.");
    }
}
