package dev.blockstep.engine.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which qemu's QDict iterates its keys. A QDict is a 512-bucket hash table keyed by the
 * tdb hash; iteration walks buckets in ascending order and each bucket's list from its head, where
 * qdict_put inserts. qemu's JSON output follows this order, so reproducing it reproduces the output.
 */
final class QDictOrder {

    static final int BUCKETS = 512;

    private QDictOrder() {
    }

    /** qemu's tdb_hash, in 32-bit unsigned arithmetic. */
    static int bucket(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int value = 0x238F13AF * k.length;
        for (int i = 0; i < k.length; i++) {
            value += (k[i] & 0xff) << (i * 5 % 24);
        }
        int hash = 1103515243 * value + 12345;
        return (int) (Integer.toUnsignedLong(hash) % BUCKETS);
    }

    /** Keys in QDict iteration order, given in the order they were inserted. */
    static List<String> iterationOrder(List<String> insertionOrder) {
        List<List<String>> table = new ArrayList<>(BUCKETS);
        for (int i = 0; i < BUCKETS; i++) {
            table.add(new ArrayList<>());
        }
        for (String key : insertionOrder) {
            table.get(bucket(key)).add(0, key);
        }
        List<String> order = new ArrayList<>();
        table.forEach(order::addAll);
        return order;
    }
}
