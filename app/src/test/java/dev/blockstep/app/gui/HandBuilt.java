package dev.blockstep.app.gui;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.engine.snapshot.L2Row;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Snapshot;
import dev.blockstep.engine.snapshot.Step;
import java.util.List;

/**
 * Snapshots and steps built by hand for view-model tests. They are test inputs, not an engine: each test
 * states the state it feeds in and checks what the view-model makes of it.
 */
public final class HandBuilt {
    public static final int CS = 65536;

    private HandBuilt() {
    }

    public static Step step(int index, int co, String name, EngineEvent... events) {
        return new Step(index, co, name, List.of(co), -1, 0, -1, 0, List.of(events), name + " narration", List.of());
    }

    public static CoroutineView co(int id, String name, CoState state, String phase) {
        return new CoroutineView(id, name, "aio_write 0 64k", "guest", state, phase, "", List.of("start"), false);
    }

    public static HostClusterRow data(long cluster, int refcount, Long... guests) {
        return new HostClusterRow(cluster, refcount, guests.length, refcount == 0 && guests.length == 0 ? "free" : "data",
                List.of(guests));
    }

    public static ImageView image(List<L2Row> l2, HostClusterRow... hosts) {
        return new ImageView(CS, 16L << 20, 6L * CS, List.of(0x8000000000030000L), l2, List.of(hosts));
    }

    public static L2Row l2(long guest, long hostOffset) {
        return new L2Row(guest, 0x30000, L2Entry.normal(hostOffset));
    }

    public static Snapshot snapshot(int n, Step last, ImageView image, CoroutineView... cos) {
        return new Snapshot(n, FixVariant.NONE, last, List.of(cos), List.of(), new LockView(-1, List.of(), List.of()), image,
                List.of(), false, List.of());
    }

    public static Snapshot clean(int n, Step last) {
        return snapshot(n, last, image(List.of(l2(0, 5 * CS)), data(5, 1, 0L)));
    }
}
