package dev.blockstep.engine.qcow2;

import static dev.blockstep.engine.qcow2.format.Qcow2Constants.INCOMPAT_CORRUPT;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.qcow2.format.Header;
import dev.blockstep.engine.qcow2.format.ImageFormatException;
import dev.blockstep.engine.qcow2.format.TableOffset;

/** qcow2_do_open, as far as a read-write open of a v3 image without extras goes. */
final class Qcow2Open {
    private Qcow2Open() {
    }

    static Qcow2State open(HostFile file, String name, EngineEventSink sink, boolean unmap)
            throws ImageFormatException {
        return open(file, name, sink, unmap, null);
    }

    /** @param backingOpener opens the image's backing file; null refuses an image that names one */
    static Qcow2State open(HostFile file, String name, EngineEventSink sink, boolean unmap,
                           BackingOpener backingOpener) throws ImageFormatException {
        int headLen = (int) Math.min(file.length(), 4096);
        byte[] head = file.read(0, headLen);
        Header h = Header.parse(head, file.length(), name);
        BackingFile link = BackingFile.read(file.read(0, (int) Math.min(file.length(), h.clusterSize())), h, name);
        if (link != null && backingOpener == null) {
            throw new ImageFormatException(name + ": header field backing_file_offset at offset 0x8: the image has "
                    + "backing file " + link.name() + "; open it from its path so the backing file can be found");
        }
        if ((h.incompatibleFeatures() & INCOMPAT_CORRUPT) != 0) {
            throw new ImageFormatException(name + ": header field incompatible_features at offset 0x48: the corrupt "
                    + "bit is set; qcow2: Image is corrupt; cannot be opened read/write");
        }
        if (!TableOffset.valid(h.snapshotsOffset(), Integer.toUnsignedLong(h.nbSnapshots()),
                TableOffset.SNAPSHOT_HEADER_SIZE, 1L << h.clusterBits())) {
            throw new ImageFormatException("Snapshot table offset invalid");
        }
        // a dirty image (lazy refcounts, not closed) opens as it is: the repair qemu makes when it opens one
        // read-write is the opener's to run first (DirtyImageRepair), since it prints and changes the file
        if (h.autoclearFeatures() != 0) {
            throw new ImageFormatException(name + ": header field autoclear_features at offset 0x58: expected 0, got 0x"
                    + Long.toHexString(h.autoclearFeatures()) + " (bitmaps and raw data files are not supported by blockstep)");
        }
        L1Table l1 = L1Table.read(file, h.l1TableOffset(), h.l1Size());
        int reftableEntries = h.refcountTableClusters() * (h.clusterSize() / 8);
        long[] reftable = new long[reftableEntries];
        long reftableEnd = h.refcountTableOffset() + 8L * reftableEntries;
        // only the stored pages: the rest of a table cluster reads as zeros (an explorer opens the image per run)
        for (long page : file.storedPages(h.refcountTableOffset(), 8L * reftableEntries)) {
            long from = Math.max(h.refcountTableOffset(), page << HostFile.PAGE_BITS);
            long to = Math.min(reftableEnd, (page + 1) << HostFile.PAGE_BITS);
            for (long at = h.refcountTableOffset() + (from - h.refcountTableOffset()) / 8 * 8; at < to; at += 8) {
                reftable[(int) ((at - h.refcountTableOffset()) / 8)] = file.readBe64(at);
            }
        }
        Qcow2State s = new Qcow2State(file, h, l1, reftable, sink, unmap);
        if (link != null) {
            s.backingLink = link;
            s.backing = backingOpener.open(link);
        }
        return s;
    }
}
