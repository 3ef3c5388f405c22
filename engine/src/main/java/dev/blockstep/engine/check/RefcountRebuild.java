package dev.blockstep.engine.check;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * rebuild_refcount_structure (qemu 7.2, after its 7.1 rework): a new refcount structure written from the
 * check's counted references alone. Every refcount block that covers a referenced cluster gets a free
 * cluster (found in the counted references, which then count it too) and is written as that slice of the
 * counts; then the refcount table gets room the same way, the blocks covering that room are written again,
 * and this repeats until the table stops growing. Last the table is written and the header pointed at it.
 * The old structure is left as it was: the recount that follows sees it as leaked clusters.
 */
final class RefcountRebuild {

    /**
     * QCOW_MAX_REFTABLE_SIZE. qemu's rebuild itself has no limit, but a larger table cannot be opened again,
     * and a damaged entry far past the end would otherwise ask for gigabytes of memory.
     */
    private static final long MAX_REFTABLE_BYTES = 8L << 20;

    private final Qcow2Check c;
    private final long blockEntries;
    private long[] reftable = new long[0];

    RefcountRebuild(Qcow2Check check) {
        this.c = check;
        this.blockEntries = check.onDisk.blockSize();
    }

    void run() throws CheckException {
        c.onDisk.flush(c.target);
        boolean grown = writeRefblocks(0, c.nbClusters);
        long reftableOffset;
        long reftableClusters;
        do {
            reftableClusters = c.sizeToClusters(8L * reftable.length);
            long[] firstFree = {0};
            reftableOffset = allocate(reftableClusters, firstFree);
            long start = reftableOffset >>> c.clusterBits;
            grown = writeRefblocks(start, start + reftableClusters);
        } while (grown);

        ByteBuffer table = ByteBuffer.allocate(8 * reftable.length);
        for (long e : reftable) {
            table.putLong(e);
        }
        if (!c.writeAllowed(0, reftableOffset, 8L * reftable.length)) {
            c.out.err("qemu-img: ERROR writing reftable: Input/output error");
            throw Qcow2Check.ioError();
        }
        c.target.write(reftableOffset, table.array());
        c.target.write(0x30, ByteBuffer.allocate(12).putLong(reftableOffset).putInt((int) reftableClusters).array());
        c.onDisk.replaceTable(reftable.clone());
        c.refcountTableOffset = reftableOffset;
    }

    /**
     * rebuild_refcounts_write_refblocks over clusters [first, end): returns whether the in-memory refcount
     * table had to grow.
     */
    private boolean writeRefblocks(long first, long end) throws CheckException {
        long[] firstFree = {0};
        boolean grown = false;
        for (long cluster = c.references.nextNonZero(first); cluster >= 0 && cluster < end;
                cluster = c.references.nextNonZero(cluster + 1)) {
            long blockIndex = cluster / blockEntries;
            if (8L * (blockIndex + 1) > MAX_REFTABLE_BYTES) {
                throw new CheckException(CheckException.Kind.CHECK_FAILED, "blockstep check -r does not rebuild a "
                        + "refcount table larger than 8 MiB (cluster " + cluster + " needs refcount block " + blockIndex + ")");
            }
            int index = (int) blockIndex;
            long blockStart = index * blockEntries;
            long offset;
            if (index < reftable.length && reftable[index] != 0) {
                offset = reftable[index];
            } else {
                // Never place a block inside a range whose block is already on disk.
                firstFree[0] = Math.max(firstFree[0], blockStart);
                offset = allocate(1, firstFree);
                long blockCluster = offset >>> c.clusterBits;
                if (blockCluster >= end) {
                    end = blockCluster + 1; // the block that counts this new block must be written too
                }
                if (reftable.length <= index) {
                    long bytes = (8L * (index + 1) + c.clusterSize - 1) / c.clusterSize * c.clusterSize;
                    if (bytes > MAX_REFTABLE_BYTES) {
                        throw new CheckException(CheckException.Kind.CHECK_FAILED, "blockstep check -r does not "
                                + "rebuild a refcount table larger than 8 MiB (this one would need " + bytes + " bytes)");
                    }
                    reftable = Arrays.copyOf(reftable, (int) (bytes / 8));
                    grown = true;
                }
                reftable[index] = offset;
            }
            if (!c.writeAllowed(0, offset, c.clusterSize)) {
                c.res.checkErrors++;
                c.out.err("qemu-img: ERROR writing refblock: Input/output error");
                throw Qcow2Check.ioError();
            }
            c.target.write(offset, slice(index));
            cluster = blockStart + blockEntries - 1;
        }
        return grown;
    }

    /** Refcount block {@code index} as the counted references give it, packed at the image's width. */
    private byte[] slice(long index) {
        byte[] block = new byte[(int) c.clusterSize];
        long base = index * blockEntries;
        for (int i = 0; i < blockEntries; i++) {
            long n = c.references.get(base + i);
            if (n != 0) {
                c.onDisk.setEntry(block, i, n);
            }
        }
        return block;
    }

    /**
     * alloc_clusters_imrt: the first run of {@code count} clusters with no counted reference at or after
     * {@code firstFree[0]} (which moves to the first gap seen), growing the counted range past its end if
     * needed; the run is then counted once.
     */
    private long allocate(long count, long[] firstFree) {
        long cluster = firstFree[0];
        boolean firstGap = true;
        long contiguous = 0;
        for (; cluster < c.nbClusters && contiguous < count; cluster++) {
            if (c.references.get(cluster) == 0) {
                contiguous++;
                if (firstGap) {
                    firstFree[0] = cluster;
                    firstGap = false;
                }
            } else {
                contiguous = 0;
            }
        }
        if (contiguous < count) {
            c.nbClusters = cluster + count - contiguous;
        }
        cluster -= contiguous;
        for (long i = 0; i < count; i++) {
            c.references.set(cluster + i, 1);
        }
        return cluster << c.clusterBits;
    }
}
