package dev.blockstep.trace.qemulog;

import java.util.ArrayList;
import java.util.List;

/**
 * One coroutine's life in a log; one address can be several instances (see {@link CoroutineAttribution}).
 */
final class CoInstance {

    /** JOB: a block job's coroutine, or a request it issued; named by the job's type, never a workload request. */
    enum Kind { READ, WRITE, DISCARD, FLUSH, OPEN, CLOSE, MAIN, INTERNAL, JOB }

    final String address;
    /** Log line of its first event. */
    final long firstLine;
    /** Indexes into the log's line list, in order. */
    final List<Integer> events = new ArrayList<>();
    /** The bdrv_co_* event on the qcow2 node that started its request, or null. */
    LogLine request;
    boolean takesQcow2ReqsLock;
    boolean takesAnyMutex;
    /** Whether its request entered the block job's filter node above the qcow2 node. */
    boolean enteredFilter;
    /**
     * The bdrv_co_* event with which its request entered that filter, or null: the flags the guest sent, which
     * mirror_top changes on the way down (it drops MAY_UNMAP from a zero write).
     */
    LogLine entry;
    /** First qcow2_* event, or null. */
    LogLine firstQcow2;
    Kind kind;
    String name;

    CoInstance(String address, long firstLine) {
        this.address = address;
        this.firstLine = firstLine;
    }

    int first() {
        return events.get(0);
    }

    int last() {
        return events.get(events.size() - 1);
    }

    boolean isRequest() {
        return kind == Kind.READ || kind == Kind.WRITE || kind == Kind.DISCARD || kind == Kind.FLUSH;
    }
}
