package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.LockView;
import dev.blockstep.engine.snapshot.Snapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * s->lock: its owner, its FIFO of waiters, and a marker that cannot be missed when an allocating write has
 * dropped it for data I/O while still holding its allocation (the window the race needs).
 */
public final class LockPanel implements SessionPanel {

    private final Label owner = new Label();
    private final Label waiters = new Label();
    private final Label dropped = new Label();
    private final Label lastChange = WholeOrHiddenLabel.wrapping("");
    private final VBox root = new VBox(6, owner, waiters, dropped, lastChange);
    /**
     * The lines keep their whole height, and the last step's line gives way first: a 1024x768 screen gave the
     * panel too little height for the lock-drop marker's five lines, and each line ended in "…". When even the
     * marker does not fit, the panel scrolls rather than cut it.
     */
    private final ScrollPane scroll = new ScrollPane(root);

    public LockPanel() {
        root.setId("lock-panel");
        root.getStyleClass().add("lock-panel");
        owner.setId("lock-owner");
        waiters.setId("lock-waiters");
        dropped.setId("lock-dropped");
        dropped.getStyleClass().add("lock-drop-marker");
        dropped.setWrapText(true);
        dropped.setMinHeight(Region.USE_PREF_SIZE);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.getStyleClass().add("edge-to-edge");
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    }

    public Node node() {
        return scroll;
    }

    @Override
    public String panelName() {
        return "s->lock";
    }

    @Override
    public void stepDidChange(SessionState state) {
        Snapshot s = state.snapshot();
        LockView lock = s.lock();
        Map<Integer, String> names = new HashMap<>();
        for (CoroutineView c : s.coroutines()) {
            names.put(c.id(), c.name());
        }
        owner.setText("owner: " + (lock.owner() < 0 ? "free" : name(names, lock.owner())));
        root.pseudoClassStateChanged(Styles.LOCK_HELD, lock.owner() >= 0);
        waiters.setText("waiters: " + (lock.waiters().isEmpty() ? "none"
                : lock.waiters().stream().map(id -> name(names, id)).collect(Collectors.joining(" → "))));
        if (lock.droppedForDataIo().isEmpty()) {
            dropped.setText("no allocating write is between its lock drop and its L2 update");
            dropped.pseudoClassStateChanged(Styles.LOCK_DROPPED, false);
        } else {
            dropped.setText("⚠ LOCK DROPPED for data I/O by "
                    + lock.droppedForDataIo().stream().map(id -> name(names, id)).collect(Collectors.joining(", "))
                    + ": its cluster allocation is not yet linked in L2, and "
                    + (s.fixOn() ? "fix variant " + s.fix().id() + " is in force: its gates decide whether a "
                               + "discard or write-zeroes waits for it." : "nothing stops a discard or write-zeroes from freeing it."));
            dropped.pseudoClassStateChanged(Styles.LOCK_DROPPED, true);
        }
        lastChange.setText(describeLastChange(s, names));
    }

    private static String describeLastChange(Snapshot s, Map<Integer, String> names) {
        if (s.lastStep() == null) {
            return "";
        }
        for (EngineEvent e : s.lastStep().events()) {
            if (e instanceof EngineEvent.LockDroppedForDataIo d) {
                return "last step: " + name(names, d.coroutine()) + " dropped s->lock for data I/O";
            }
            if (e instanceof EngineEvent.LockReleased r) {
                return "last step: " + name(names, r.coroutine()) + " released s->lock"
                        + (r.handedTo() >= 0 ? " and handed it to " + name(names, r.handedTo()) : "");
            }
            if (e instanceof EngineEvent.LockAcquired a) {
                return "last step: " + name(names, a.coroutine()) + " took s->lock" + (a.contended() ? " after waiting" : "");
            }
            if (e instanceof EngineEvent.LockContended c) {
                return "last step: " + name(names, c.coroutine()) + " queued on s->lock";
            }
        }
        return "";
    }

    private static String name(Map<Integer, String> names, int id) {
        return names.getOrDefault(id, "co " + id);
    }
}
