package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.QCOW_MAX_REFTABLE_SIZE;
import static dev.blockstep.engine.qcow2.format.Qcow2Constants.REFT_OFFSET_MASK;

import dev.blockstep.engine.event.EngineEvent;
import java.nio.ByteBuffer;

/**
 * qcow2_refcount_area: grows the refcount table. A new, larger table and the refcount blocks that
 * describe it are placed at a given offset past everything in use, made self-describing, written, and
 * switched into the header (12 bytes at 0x30); the old table is then freed (discard type OTHER).
 */
final class RefcountArea {
    private final Qcow2State s;
    private final Refcounts refcounts;

    RefcountArea(Qcow2State s, Refcounts refcounts) {
        this.s = s;
        this.refcounts = refcounts;
    }

    /** Returns the end offset of the new structures. */
    long create(long startOffset, int newRefblockIndex, long newRefblockOffset) {
        return create(startOffset, 0, false, newRefblockIndex, newRefblockOffset);
    }

    /**
     * As above, covering {@code additionalClusters} more clusters past the new structures; {@code exactSize}
     * (preallocating truncate) sizes the table for exactly that, a refcount block creation leaves room to grow.
     */
    long create(long startOffset, long additionalClusters, boolean exactSize, int newRefblockIndex,
                long newRefblockOffset) {
        long totalRefblockCount = refcountMetadataBlocks(startOffset / s.clusterSize + additionalClusters,
                s.clusterSize, s.header.refcountOrder(), !exactSize);
        if (totalRefblockCount > QCOW_MAX_REFTABLE_SIZE) {
            throw new Qcow2Error(Qcow2Error.EFBIG, "refcount table would exceed its maximum size");
        }
        int total = (int) totalRefblockCount;
        int areaReftableIndex = (int) ((startOffset / s.clusterSize) / s.refcountBlockSize);
        long tableSize = exactSize ? total : total + Refcounts.divRoundUp(total, 2);
        int perCluster = s.clusterSize / 8;
        tableSize = Refcounts.divRoundUp(tableSize, perCluster) * perCluster;
        int tableClusters = (int) (tableSize * 8 / s.clusterSize);
        if (tableSize > QCOW_MAX_REFTABLE_SIZE) {
            throw new Qcow2Error(Qcow2Error.EFBIG, "refcount table would exceed its maximum size");
        }
        long[] newTable = new long[(int) tableSize];
        int copy = tableSize > s.maxRefcountTableIndex ? s.maxRefcountTableIndex + 1 : (int) tableSize;
        System.arraycopy(s.refcountTable, 0, newTable, 0, Math.min(copy, s.refcountTable.length));
        if (newRefblockOffset != 0) {
            newTable[newRefblockIndex] = newRefblockOffset;
        }
        long additional = 0;
        for (int i = areaReftableIndex; i < total; i++) {
            if (newTable[i] == 0) {
                additional++;
            }
        }
        long tableOffset = startOffset + additional * s.clusterSize;
        long endOffset = tableOffset + (long) tableClusters * s.clusterSize;
        long blockOffset = startOffset;
        for (int i = areaReftableIndex; i < total; i++) {
            long block;
            if (newTable[i] != 0) {
                block = newTable[i] & REFT_OFFSET_MASK;
            } else {
                block = blockOffset;
                s.file.writeZeroes(block, s.clusterSize);
                newTable[i] = block;
                blockOffset += s.clusterSize;
            }
            long firstCovered = (long) i * s.refcountBlockSize * s.clusterSize;
            if (firstCovered < endOffset) {
                long j = firstCovered < startOffset ? (startOffset - firstCovered) / s.clusterSize : 0;
                long endIndex = Math.min((endOffset - firstCovered) / s.clusterSize, s.refcountBlockSize);
                for (; j < endIndex; j++) {
                    s.refcounts.set(s.file, block, j, 1);
                }
                // the whole block is written by the cache flush
                s.file.write(block, s.file.read(block, s.clusterSize));
            }
        }
        ByteBuffer table = ByteBuffer.allocate((int) (tableSize * 8));
        for (int i = 0; i < total; i++) {
            table.putLong(i * 8, newTable[i]);
        }
        s.file.write(tableOffset, table.array());
        ByteBuffer hdr = ByteBuffer.allocate(12).putLong(tableOffset).putInt(tableClusters);
        s.file.write(0x30, hdr.array());
        long oldTableOffset = s.refcountTableOffset;
        long oldTableSize = s.refcountTableSize;
        long[] finalTable = new long[(int) tableSize];
        System.arraycopy(newTable, 0, finalTable, 0, total);
        s.refcountTable = finalTable;
        s.refcountTableSize = (int) tableSize;
        s.refcountTableOffset = tableOffset;
        s.header = s.header.withRefcountTable(tableOffset, tableClusters);
        s.updateMaxRefcountTableIndex();
        s.emit(new EngineEvent.ClustersAllocated(s.co, startOffset, (int) ((endOffset - startOffset) / s.clusterSize),
                "refcount table growth"));
        refcounts.freeClusters(oldTableOffset, oldTableSize * 8, DiscardType.OTHER);
        return endOffset;
    }

    /** qcow2_refcount_metadata_size's refblock count: the fixed point where the metadata covers itself. */
    static long refcountMetadataBlocks(long clusters, long clusterSize, int refcountOrder, boolean generousIncrease) {
        long blocksPerTableCluster = clusterSize / 8;
        long refcountsPerBlock = clusterSize * 8 / (1L << refcountOrder);
        long table = 0;
        long blocks = 0;
        long n = 0;
        long last;
        do {
            last = n;
            blocks = Refcounts.divRoundUp(clusters + table + blocks, refcountsPerBlock);
            table = Refcounts.divRoundUp(blocks, blocksPerTableCluster);
            n = clusters + blocks + table;
            if (n == last && generousIncrease) {
                clusters += Refcounts.divRoundUp(table, 2);
                n = 0;
                generousIncrease = false;
            }
        } while (n != last);
        return blocks;
    }
}
