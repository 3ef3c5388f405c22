package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.qcow2.format.ClusterType;
import dev.blockstep.engine.qcow2.format.L2Entry;

/**
 * The read side of qcow2: qcow2_get_host_offset (lock held; never allocates) and the data read that
 * follows it without the lock. Used for guest reads and for perform_cow's reads of the guest view.
 */
final class GuestReader {
    private final Qcow2State s;
    private final L2Tables tables;
    private final Refcounts refcounts;

    GuestReader(Qcow2State s, L2Tables tables, Refcounts refcounts) {
        this.s = s;
        this.tables = tables;
        this.refcounts = refcounts;
    }

    /** What one guest cluster maps to. */
    record Mapping(ClusterType type, long hostOffset, L2Entry entry) {
    }

    /** qcow2_get_host_offset for the cluster holding guestOffset. */
    Mapping map(long guestOffset) {
        long l2 = tables.l2TableIfPresent(guestOffset);
        if (l2 == 0) {
            return new Mapping(ClusterType.UNALLOCATED, 0, L2Entry.UNALLOCATED);
        }
        L2Entry e = tables.entry(l2, guestOffset);
        ClusterType t = e.type();
        if ((t == ClusterType.NORMAL || t == ClusterType.ZERO_ALLOC) && s.offsetIntoCluster(e.hostOffset()) != 0) {
            throw refcounts.corruption("Cluster allocation offset " + Refcounts.px(e.hostOffset())
                    + " unaligned (L2 offset: " + Refcounts.px(l2) + ", L2 index: " + Refcounts.px(s.l2Index(guestOffset)) + ")");
        }
        return new Mapping(t, e.hostOffset(), e);
    }

    /** Reads the guest view of [guestOffset, guestOffset+len) into dst. */
    void read(long guestOffset, byte[] dst, int dstOff, int len) {
        read(guestOffset, dst, dstOff, len, true);
    }

    /**
     * Reads this image's own clusters of [guestOffset, guestOffset+len) into dst; with {@code withBacking} false,
     * the bytes of clusters that fall through to the backing image are left as they are, for the read on the
     * backing child that qemu issues as a request of its own.
     */
    void read(long guestOffset, byte[] dst, int dstOff, int len, boolean withBacking) {
        while (len > 0) {
            int n = (int) Math.min(len, s.clusterSize - s.offsetIntoCluster(guestOffset));
            Mapping m = map(guestOffset);
            switch (m.type()) {
                case UNALLOCATED -> {
                    if (s.backing != null) {
                        if (withBacking) {
                            s.backing.read(guestOffset, dst, dstOff, n);
                        }
                    } else {
                        java.util.Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
                    }
                }
                case ZERO_PLAIN, ZERO_ALLOC -> java.util.Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
                case NORMAL -> s.file.read(m.hostOffset() + s.offsetIntoCluster(guestOffset), dst, dstOff, n);
                case COMPRESSED -> System.arraycopy(decompress(m.entry()), (int) s.offsetIntoCluster(guestOffset),
                        dst, dstOff, n);
            }
            guestOffset += n;
            dstOff += n;
            len -= n;
        }
    }

    /**
     * The parts of [guestOffset, guestOffset+len) that qcow2_co_preadv_task reads from the backing child:
     * unallocated clusters of an image that has a backing file, as {offset, bytes} runs; empty without one.
     */
    java.util.List<long[]> backingRuns(long guestOffset, long len) {
        java.util.List<long[]> runs = new java.util.ArrayList<>();
        if (s.backing == null) {
            return runs;
        }
        long end = guestOffset + len;
        for (long off = guestOffset; off < end; off = s.startOfCluster(off) + s.clusterSize) {
            long n = Math.min(end, s.startOfCluster(off) + s.clusterSize) - off;
            if (map(off).type() != ClusterType.UNALLOCATED) {
                continue;
            }
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] + last[1] == off) {
                last[1] += n;
            } else {
                runs.add(new long[] {off, n});
            }
        }
        return runs;
    }

    /** MAX_BOUNCE_BUFFER: the most bdrv_co_do_copy_on_readv copies at once. */
    private static final long MAX_BOUNCE_BUFFER = 32768L * 512;

    /**
     * bdrv_co_do_copy_on_readv's runs: the range widened to whole clusters (cut at the end of the disk), the clusters
     * unallocated in this image (zero clusters count as allocated), joined and cut into bounce-buffer pieces.
     */
    java.util.List<long[]> copyOnReadRuns(long guestOffset, long len) {
        java.util.List<long[]> runs = new java.util.ArrayList<>();
        long end = Math.min(s.virtualSize, HostOffsetAllocator.roundUp(guestOffset + len, s.clusterSize));
        for (long off = s.startOfCluster(guestOffset); off < end; off += s.clusterSize) {
            long n = Math.min(end, off + s.clusterSize) - off;
            if (map(off).type() != ClusterType.UNALLOCATED) {
                continue;
            }
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] + last[1] == off && last[1] + n <= MAX_BOUNCE_BUFFER) {
                last[1] += n;
            } else {
                runs.add(new long[] {off, n});
            }
        }
        return runs;
    }

    /**
     * Block status down the chain (bdrv_co_block_status_above to the bottom): whether every cluster the range
     * touches reads as zero. Zero clusters do, whatever an in-flight write is about to link; unallocated ones
     * ask the backing image, or read as zero without one; data and compressed clusters do not (the file's hole
     * map is consulted only for preallocated metadata).
     */
    boolean readsAsZero(long guestOffset, long len) {
        long end = guestOffset + len;
        for (long off = guestOffset; off < end; off = s.startOfCluster(off) + s.clusterSize) {
            long n = Math.min(end, s.startOfCluster(off) + s.clusterSize) - off;
            boolean zero = switch (map(off).type()) {
                case ZERO_PLAIN, ZERO_ALLOC -> true;
                case UNALLOCATED -> s.backing == null || s.backing.blockStatusZero(off, n);
                case NORMAL, COMPRESSED -> false;
            };
            if (!zero) {
                return false;
            }
        }
        return true;
    }

    /** bdrv_is_allocated_above to the bottom of the chain: whether any layer allocates part of the range. */
    boolean allocatedInChain(long guestOffset, long len) {
        long end = guestOffset + len;
        for (long off = s.startOfCluster(guestOffset); off < end; off += s.clusterSize) {
            if (map(off).type() != ClusterType.UNALLOCATED) {
                return true;
            }
        }
        return s.backing != null && s.backing.allocated(guestOffset, len);
    }

    /**
     * qcow2_co_preadv_compressed with zlib: the compressed bytes (nb_csectors sectors from the entry's byte
     * offset) inflate, raw deflate, to exactly one cluster, or the read fails with EIO as in qemu.
     */
    byte[] decompress(L2Entry e) {
        int shift = 62 - (s.clusterBits - 8);
        long coffset = e.raw() & ((1L << shift) - 1);
        long nbCsectors = ((e.raw() >>> shift) & ((1L << (s.clusterBits - 8)) - 1)) + 1;
        int csize = (int) (nbCsectors * 512 - (coffset & 511));
        byte[] in = s.file.read(coffset, csize);
        byte[] out = new byte[s.clusterSize];
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        try {
            inflater.setInput(in);
            int got = 0;
            while (got < out.length && !inflater.finished()) {
                int k = inflater.inflate(out, got, out.length - got);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                got += k;
            }
            if (got != out.length) {
                throw new Qcow2Error(Qcow2Error.EIO, "compressed cluster at 0x" + Long.toHexString(coffset)
                        + " does not inflate to " + out.length + " bytes");
            }
        } catch (java.util.zip.DataFormatException ex) {
            throw new Qcow2Error(Qcow2Error.EIO, "compressed cluster at 0x" + Long.toHexString(coffset)
                    + " is not valid deflate data: " + ex.getMessage());
        } finally {
            inflater.end();
        }
        return out;
    }
}
