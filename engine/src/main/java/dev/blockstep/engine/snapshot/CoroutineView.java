package dev.blockstep.engine.snapshot;

import java.util.List;

/**
 * One coroutine as the debugger shows it.
 *
 * @param id        stable small number, in creation order
 * @param name      e.g. "W1" or "co 0x55e047d10f90" for imported traces
 * @param request   the request it runs, in qemu-io syntax, e.g. "aio_write -z -u 0 64k"
 * @param producer  who issued it: "guest", or a block job such as "mirror"
 * @param state     see {@link CoState}
 * @param phase     the step it takes next (a qemu function or trace-event name), or "done"
 * @param blockedOn human text for what it waits on, empty when it can step
 * @param frames    the phases it has passed, oldest first, like a call stack read upside down
 * @param serialising whether its tracked request carries the serialising flag
 * @param flags     its request's BdrvRequestFlags bits (qemu's values, see block.RequestFlags), with
 *                  BDRV_REQ_SERIALISING when {@code serialising}; 0 for the qemu-io loop
 */
public record CoroutineView(int id, String name, String request, String producer, CoState state, String phase,
                            String blockedOn, List<String> frames, boolean serialising, int flags) {
    public CoroutineView {
        frames = List.copyOf(frames);
    }

    /** A view whose only known flag is the serialising one. */
    public CoroutineView(int id, String name, String request, String producer, CoState state, String phase,
                         String blockedOn, List<String> frames, boolean serialising) {
        this(id, name, request, producer, state, phase, blockedOn, frames, serialising,
                serialising ? dev.blockstep.engine.block.RequestFlags.SERIALISING : 0);
    }
}
