package dev.blockstep.trace;

/**
 * One line of a qemu {@code -T} log, at qemu-event granularity.
 *
 * @param line      1-based line in the source log
 * @param coroutine symbolic name of the coroutine that emitted it (see {@link QemuLog#symbols()}), or null for
 *                  the main loop (thread_pool_complete runs in a bottom half, not in a coroutine)
 * @param event     qemu's trace-event name, or "stderr" for a message qemu printed to stderr
 * @param args      the event's arguments as qemu printed them, with every known address replaced by its symbol
 */
public record QemuEvent(long line, String coroutine, String event, String args) {
}
