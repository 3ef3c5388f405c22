package dev.blockstep.engine.snapshot;

import dev.blockstep.engine.event.EngineEvent;
import java.util.List;

/**
 * One atomic step of one coroutine.
 *
 * @param index      0-based position in the run
 * @param coroutine  the coroutine that stepped
 * @param name       stable step name, a qemu trace-event or function name such as "qcow2_cluster_link_l2"
 * @param runnable   coroutine ids that could have stepped, ascending (what a replay checks)
 * @param guestOffset guest range touched, or -1
 * @param guestBytes  0 when none
 * @param hostOffset  host range touched, or -1
 * @param hostBytes   0 when none
 * @param events     what the step did, in order
 * @param narration  one plain-language sentence for teaching
 * @param touches    the shared state the step read or wrote, each resource once (a write wins over a read), but a
 *                   {@link Resource.Counter} read and added to is listed twice;
 *                   recorded by the primitives and the driver as they run, so a step cannot leave one out
 */
public record Step(int index, int coroutine, String name, List<Integer> runnable, long guestOffset, long guestBytes,
                   long hostOffset, long hostBytes, List<EngineEvent> events, String narration,
                   List<Touch> touches) {
    public Step {
        runnable = List.copyOf(runnable);
        events = List.copyOf(events);
        touches = List.copyOf(touches);
    }
}
