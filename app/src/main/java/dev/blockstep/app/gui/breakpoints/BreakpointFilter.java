package dev.blockstep.app.gui.breakpoints;

import dev.blockstep.engine.block.TrackedRequestType;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.Resource;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.TrackedRequestView;
import dev.blockstep.engine.snapshot.Touch;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's conditions on a breakpoint, all of which must hold for the step: which coroutine took it (by its
 * engine name, e.g. W1), the type of its tracked request, a guest or host cluster it touched, and one of its
 * request's BDRV_REQ_* flags set or clear. An empty filter matches every step.
 *
 * @param coroutine    engine name of the coroutine, or empty for any
 * @param request      tracked request type of the coroutine's request, or null for any
 * @param guestCluster a guest cluster the step touched (its guest range or an L2 entry it wrote), or -1
 * @param hostCluster  a host cluster the step touched (its host range, a refcount or the bytes), or -1
 * @param flag         a flag of the coroutine's request that must be set (or clear), or null for any flags
 */
public record BreakpointFilter(String coroutine, TrackedRequestType request, long guestCluster, long hostCluster,
                               FlagCondition flag) {

    public static final BreakpointFilter ANY = new BreakpointFilter("", null, -1, -1, null);

    public BreakpointFilter {
        coroutine = coroutine == null ? "" : coroutine.strip();
    }

    public boolean isEmpty() {
        return equals(ANY);
    }

    /**
     * Whether the step that led to {@code after} passes every condition; the snapshot supplies names and requests.
     * With {@code hostInState} the host cluster names the cluster a state condition is about (refcount &lt;
     * references on cluster 5), not one the step touched.
     */
    public boolean matches(Step step, Snapshot after, boolean hostInState) {
        if (isEmpty()) {
            return true;
        }
        CoroutineView co = after.coroutines().stream().filter(c -> c.id() == step.coroutine()).findFirst().orElse(null);
        if (!coroutine.isEmpty() && (co == null || !coroutine.equals(co.name()))) {
            return false;
        }
        if (flag != null && (co == null || !flag.holds(co.flags()))) {
            return false;
        }
        if (request != null && !hasRequest(step, after)) {
            return false;
        }
        int cs = after.image() == null ? 65536 : after.image().clusterSize();
        if (guestCluster >= 0 && !touchesGuest(step, cs)) {
            return false;
        }
        return hostCluster < 0 || hostInState || touchesHost(step, cs);
    }

    /** The coroutine's tracked request, in flight after the step or begun by it, has the wanted type. */
    private boolean hasRequest(Step step, Snapshot after) {
        for (TrackedRequestView r : after.trackedRequests()) {
            if (r.coroutineId() == step.coroutine() && request.name().equals(r.type())) {
                return true;
            }
        }
        for (EngineEvent e : step.events()) {
            if (e instanceof EngineEvent.TrackedRequestBegin b && b.coroutine() == step.coroutine()
                    && request.name().equals(b.type())) {
                return true;
            }
        }
        return false;
    }

    private boolean touchesGuest(Step step, int cs) {
        long at = guestCluster * cs;
        if (step.guestOffset() >= 0 && at + cs > step.guestOffset() && at < step.guestOffset() + step.guestBytes()) {
            return true;
        }
        return step.events().stream().anyMatch(e -> e instanceof EngineEvent.L2EntryWritten w
                && w.guestCluster() == guestCluster);
    }

    private boolean touchesHost(Step step, int cs) {
        long at = hostCluster * cs;
        if (step.hostOffset() >= 0 && at + cs > step.hostOffset() && at < step.hostOffset() + step.hostBytes()) {
            return true;
        }
        for (Touch t : step.touches()) {
            if (t.resource() instanceof Resource.HostCluster c && c.index() == hostCluster) {
                return true;
            }
        }
        return step.events().stream().anyMatch(e -> e instanceof EngineEvent.RefcountChanged r
                && r.hostCluster() == hostCluster);
    }

    /** E.g. "W1, write, guest cluster 0, serialising"; empty when the filter is empty. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!coroutine.isEmpty()) {
            parts.add(coroutine);
        }
        if (request != null) {
            parts.add(request.name().toLowerCase());
        }
        if (guestCluster >= 0) {
            parts.add("guest cluster " + guestCluster);
        }
        if (hostCluster >= 0) {
            parts.add("host cluster " + hostCluster);
        }
        if (flag != null) {
            parts.add(flag.describe());
        }
        return String.join(", ", parts);
    }
}
