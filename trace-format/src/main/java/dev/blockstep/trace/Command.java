package dev.blockstep.trace;

/**
 * One workload command in qemu-io terms. Every request carries the stable name of the coroutine that runs it
 * (a replay refers to coroutines by these names) and its producer.
 */
public sealed interface Command {

    /** The qemu-io command name as written in the trace ("write", "aio_write", ...). */
    String op();

    /** Name of the coroutine that runs this command; null only for an aio_flush without one. */
    String coroutine();

    /** The same command run by the coroutine called {@code name}. */
    Command withCoroutine(String name);

    /** Pattern qemu-io writes when none is given. */
    int DEFAULT_PATTERN = 0xcd;

    /**
     * write / aio_write. With {@code zero} it is a write-zeroes ({@code -z}); {@code unmap} is {@code -u} and
     * needs {@code zero}. {@code pattern} is the byte written (null: qemu-io's default 0xcd; always null with
     * zero). {@code fua} is {@code -f}; qemu-io's writethrough default adds FUA to every write anyway.
     */
    record Write(boolean aio, String coroutine, Producer producer, long offset, long bytes, Integer pattern,
                 boolean zero, boolean unmap, boolean fua) implements Command {
        @Override
        public String op() {
            return aio ? "aio_write" : "write";
        }

        @Override
        public Write withCoroutine(String name) {
            return new Write(aio, name, producer, offset, bytes, pattern, zero, unmap, fua);
        }
    }

    /** read; {@code verifyPattern} is {@code -P}: the byte every read byte must equal, or null. */
    record Read(String coroutine, Producer producer, long offset, long bytes, Integer verifyPattern)
            implements Command {
        @Override
        public String op() {
            return "read";
        }

        @Override
        public Read withCoroutine(String name) {
            return new Read(name, producer, offset, bytes, verifyPattern);
        }
    }

    /**
     * discard (synchronous; qemu-io has no aio_discard). {@code fua} is an NBD TRIM's NBD_CMD_FLAG_FUA: qemu-nbd
     * flushes after the discard (qemu-io itself never sets it); it needs format version 4.
     */
    record Discard(String coroutine, Producer producer, long offset, long bytes, boolean fua) implements Command {
        public Discard(String coroutine, Producer producer, long offset, long bytes) {
            this(coroutine, producer, offset, bytes, false);
        }

        @Override
        public String op() {
            return "discard";
        }

        @Override
        public Discard withCoroutine(String name) {
            return new Discard(name, producer, offset, bytes, fua);
        }
    }

    /** flush: blk_flush, a request with its own coroutine. */
    record Flush(String coroutine, Producer producer) implements Command {
        @Override
        public String op() {
            return "flush";
        }

        @Override
        public Flush withCoroutine(String name) {
            return new Flush(name, producer);
        }
    }

    /**
     * aio_flush: waits until every request in flight has finished (qemu's blk_drain_all). It is not a request
     * and needs no coroutine; {@code coroutine} is null unless the engine models the drain as one.
     */
    record AioFlush(String coroutine) implements Command {
        @Override
        public String op() {
            return "aio_flush";
        }

        @Override
        public AioFlush withCoroutine(String name) {
            return new AioFlush(name);
        }
    }
}
