package dev.blockstep.engine.block;

/**
 * What qemu-io's command loop did with one workload command, recorded once when it issued it.
 *
 * @param index     the command's position in qemu-io's command list (the trace's workload), from 0
 * @param coroutine the coroutine that ran it: the request's own coroutine, or 0 (qemu-io's loop) when no request
 *                  coroutine ran it
 * @param name      that coroutine's name ("W1", "Z2", ...; "qemu-io" for the loop)
 */
public record IssuedCommand(int index, int coroutine, String name, Kind kind) {

    /** How the command ran. */
    public enum Kind {
        /** A request coroutine of the generic block layer runs it, from tracked_request_begin on. */
        REQUEST,
        /**
         * blk_check_byte_request refused it (past the end of the disk, or no medium once the driver was
         * detached): it never reaches the node, so no request coroutine runs and none is numbered.
         */
        REFUSED,
        /** aio_flush: the loop itself waits for the requests in flight. */
        DRAIN,
        /** length, map, alloc, sleep: the loop answers from the image's tables, with no request. */
        ANSWERED
    }

    /** Whether a request coroutine of its own ran the command. */
    public boolean hasRequest() {
        return kind == Kind.REQUEST;
    }
}
