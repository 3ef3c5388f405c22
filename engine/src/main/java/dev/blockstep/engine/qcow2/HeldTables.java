package dev.blockstep.engine.qcow2;

import dev.blockstep.engine.image.HostFile;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dirty tables of one of qemu's metadata caches (the L2 table cache or the refcount block cache) that the
 * cache could not write back yet. The engine writes table updates straight to the host file, which is what a
 * qemu cache flush ends in whenever qcow2_cache_entry_flush's overlap check lets the table through. A table the
 * check would refuse (it lies on other metadata), one whose cache depends on the other cache while that one
 * holds such a table, and any table updated after the driver detached, stays dirty in qemu's cache and never
 * reaches the file; it is held here instead, at its own offset in a sparse shadow file, and reads of it see the
 * held bytes as qemu's reads see the cached table. Each flush point of qemu tries the held tables again
 * ({@link MetadataCaches}).
 *
 * <p>The updates the engine did write through stay dirty in qemu's cache until its next flush, and a fatal
 * corruption before that flush detaches the driver with them unwritten. So the first old bytes of every offset
 * written through since the last flush are kept, and put back when the driver detaches.
 */
final class HeldTables {
    private final Qcow2State s;
    /** The structures the cache's own write-back leaves out of the check. */
    private final int ignore;
    private final HostFile shadow = new HostFile();
    /** The held tables' offsets, in the order they were held. */
    private final Set<Long> held = new LinkedHashSet<>();
    /**
     * qcow2_cache_set_dependency: an update made this cache depend on the other one, so this cache is written back
     * only after the other one has been.
     */
    boolean dependsOnOther;
    /**
     * Offset to its first old bytes, for every update written through since the last flush. Updates of one cache
     * never overlap partly, so the order they are put back in does not matter; sorted, a punch drops its range
     * without a walk over the rest.
     */
    private final NavigableMap<Long, byte[]> unflushed = new TreeMap<>();
    /**
     * qemu writes a dirty table back when the cache evicts it; without modelling the eviction order, the updates
     * of a long run without flushes count as written back once this many offsets are pending, which bounds memory.
     */
    private static final int MAX_UNFLUSHED = 1 << 14;

    HeldTables(Qcow2State s, int ignore) {
        this.s = s;
        this.ignore = ignore;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Where reads of the table at {@code table} go: its held copy, or the host file. */
    HostFile readFrom(long table) {
        return held.contains(table) ? shadow : s.file;
    }

    /**
     * Where an update of the table at {@code table} goes: the host file, unless the table is held already, its
     * write-back would be refused now, or the cache the update makes this one depend on ({@code dependency}, or
     * null) holds a table; then the table is held from here on.
     */
    HostFile writeTo(long table, HeldTables dependency) {
        boolean dependencyHeld = dependency != null && !dependency.isEmpty();
        dependsOnOther |= dependency != null;
        if (held.contains(table)) {
            return shadow;
        }
        // a detached driver flushes nothing any more: what its fail paths change stays in the cache
        if (!s.corrupt && !dependencyHeld && OverlapCheck.hit(s, ignore, table, s.clusterSize) == null) {
            return s.file;
        }
        shadow.write(table, s.file.read(table, s.clusterSize));
        held.add(table);
        return shadow;
    }

    /** Records that {@code old} was on the file at {@code offset} before an update written through. */
    void wroteThrough(long offset, byte[] old) {
        if (unflushed.size() >= MAX_UNFLUSHED) {
            unflushed.clear();
        }
        unflushed.putIfAbsent(offset, old);
    }

    /** A punch replaced the bytes of {@code [offset, offset + length)}: nothing there is to be put back. */
    void punched(long offset, long length) {
        unflushed.subMap(offset, true, offset + length, false).clear();
    }

    /** The cache evicted the table at {@code [table, table + length)}, writing it back: its updates are on disk. */
    void wroteBack(long table, long length) {
        punched(table, length);
    }

    /**
     * The driver detaches: the updates written through since the last flush are undone on the file, while their
     * tables stay as they are in the cache (held), where qemu's fail paths go on reading them.
     */
    void dropUnflushed() {
        for (long at : unflushed.keySet()) {
            long table = s.startOfCluster(at);
            if (held.add(table)) {
                shadow.write(table, s.file.read(table, s.clusterSize));
            }
        }
        for (Map.Entry<Long, byte[]> e : unflushed.entrySet()) {
            s.file.write(e.getKey(), e.getValue());
        }
        unflushed.clear();
    }

    /**
     * The write-back of the held tables (qcow2_cache_write's loop): every table the check now lets through goes to
     * the file; the name of the first structure a refused one overlaps is returned, or null when none was refused.
     */
    String writeBack() {
        // what was written through passed the check when it was written, so this flush writes it
        unflushed.clear();
        String first = null;
        for (Iterator<Long> it = held.iterator(); it.hasNext(); ) {
            long table = it.next();
            String hit = OverlapCheck.hit(s, ignore, table, s.clusterSize);
            if (hit == null) {
                s.file.write(table, shadow.read(table, s.clusterSize));
                shadow.punch(table, s.clusterSize);
                it.remove();
            } else if (first == null) {
                first = hit;
            }
        }
        return first;
    }
}
