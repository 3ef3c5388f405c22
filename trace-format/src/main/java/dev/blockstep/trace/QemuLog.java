package dev.blockstep.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schedule at qemu-event granularity, imported from a real qemu {@code -T} log.
 *
 * @param source   the log's file name
 * @param symbols  symbol to the address it replaced, in order of first appearance: coroutines ("w0", "z1",
 *                 "open", "main"...), mutexes ("s->lock", "reqs_lock@qcow2", "reqs_lock@file"), nodes
 *                 ("qcow2", "file")
 * @param events   every event in log order
 * @param inferred one sentence per fact the importer inferred rather than read, e.g. "request of co
 *                 0x55d131c4adf0 inferred from bdrv_co_pwritev_part flags 0x10"
 */
public record QemuLog(String source, Map<String, String> symbols, List<QemuEvent> events, List<String> inferred) {
    public QemuLog {
        symbols = Collections.unmodifiableMap(new LinkedHashMap<>(symbols));
        events = List.copyOf(events);
        inferred = List.copyOf(inferred);
    }
}
