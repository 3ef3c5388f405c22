package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.app.gui.viewmodel.Guide;
import dev.blockstep.engine.check.OpenRepair;
import dev.blockstep.trace.Metadata;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The card a class sees at step 0: what is loaded, what the recording says about it, and what to watch for.
 * It hides once the run moves on and comes back at step 0; ✕ hides it until the next file.
 */
public final class GuideBar implements SessionPanel {

    private final DebuggerViewModel vm;
    private final EngineWiring wiring;
    private final Label title = new Label();
    private final Label description = new Label();
    private final Label watch = new Label();
    /** Why step 0's tables differ from the file: qemu's open repaired the image's dirty bit. */
    private final Label repair = new Label();
    private final StackPane root = new StackPane();
    private long open = -1;
    private boolean dismissed;
    /** On a short window (a projector at 1024x640) the description, which can run to three lines, gives its
     *  rows to the timeline; it stays a tooltip on the title. */
    private boolean compact;
    private boolean shortWindow;
    /**
     * In presentation mode the card keeps the title and what to watch and drops the description, whatever the
     * window's height: at 17 px type the three of them left a 1024x768 projector's timeline one lane.
     */
    private boolean presentation;
    private Guide guide;

    GuideBar(DebuggerViewModel vm, EngineWiring wiring) {
        this.vm = vm;
        this.wiring = wiring;
        title.setId("guide-title");
        title.getStyleClass().add("guide-title");
        // a long title wraps rather than ending in "…": it is the first thing a class reads
        title.setWrapText(true);
        description.setId("guide-description");
        description.setWrapText(true);
        description.setMaxHeight(64);
        watch.setId("guide-watch");
        watch.setWrapText(true);
        watch.getStyleClass().add("guide-watch");
        repair.setId("guide-repair");
        repair.setWrapText(true);
        repair.getStyleClass().add("guide-repair");
        repair.setMinHeight(Region.USE_PREF_SIZE);
        showRepair(null);
        // the description gives way (it has a tooltip with all of it); the title and what to watch never do
        description.setMinHeight(0);
        title.setMinHeight(Region.USE_PREF_SIZE);
        watch.setMinHeight(Region.USE_PREF_SIZE);
        Button close = new Button("✕");
        close.setId("guide-close");
        close.setFocusTraversable(false);
        close.setOnAction(e -> {
            dismissed = true;
            show(false);
        });
        // The ✕ sits over the text's right margin rather than in a column of its own: a BorderPane measured the
        // wrapped labels at its whole width, the ✕'s column included, and cut the last line of what to watch.
        VBox text = new VBox(2, title, repair, description, watch);
        text.setPadding(new Insets(0, CLOSE_ROOM, 0, 0));
        StackPane.setAlignment(close, Pos.TOP_RIGHT);
        root.getChildren().addAll(text, close);
        root.setId("guide");
        root.getStyleClass().add("guide");
        root.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null) {
                scene.heightProperty().addListener((h, before, now) -> {
                    shortWindow = now.doubleValue() < COMPACT_BELOW;
                    compact();
                });
                shortWindow = scene.getHeight() < COMPACT_BELOW;
                compact();
            }
        });
        show(false);
    }

    /** The text's right margin, where the ✕ sits. */
    private static final double CLOSE_ROOM = 40;

    /** Below this window height the card drops its description. */
    static final double COMPACT_BELOW = 760;

    /** Presentation mode on or off: the card drops its description while it is on. */
    void setPresentation(boolean on) {
        presentation = on;
        compact();
    }

    private void compact() {
        boolean on = shortWindow || presentation;
        if (on != compact) {
            compact = on;
            if (guide != null) {
                fill();
            }
        }
    }

    Node node() {
        return root;
    }

    @Override
    public String panelName() {
        return "Guide";
    }

    @Override
    public void stepDidChange(SessionState state) {
        if (open != vm.session().openRevision()) {
            open = vm.session().openRevision();
            dismissed = false;
            guide = Guide.of(state.title(), null, null);
            fill();
            showRepair(null);
            String name = state.title();
            long asked = open;
            vm.session().query("Guide", t -> t.openRepair(), r -> {
                if (asked == open) {
                    showRepair(r);
                }
            });
            vm.session().query("Guide", t -> {
                var source = wiring.sourceOf(t);
                return source == null ? Metadata.empty() : source.metadata();
            }, md -> {
                if (asked == open) {
                    guide = Guide.of(name, md.title(), md.description());
                    fill();
                }
            });
        }
        show(!dismissed && state.snapshot().step() == 0);
    }

    private void fill() {
        title.setText(guide.title());
        description.setText(guide.description());
        Tooltip all = guide.description().isEmpty() ? null : new Tooltip(guide.description());
        description.setTooltip(all);
        title.setTooltip(compact ? all : null);
        boolean shown = !compact && !guide.description().isEmpty();
        description.setVisible(shown);
        description.setManaged(shown);
        watch.setText(guide.watch());
    }

    private void showRepair(OpenRepair r) {
        repair.setText(r == null ? "" : r.summary() + ". Your file is left as it is: the tables show the copy as"
                + " qemu repaired it (qemu-img check -r all reports the same counts).");
        repair.setVisible(r != null);
        repair.setManaged(r != null);
    }

    private void show(boolean on) {
        root.setVisible(on);
        root.setManaged(on);
    }

    public String titleText() {
        return title.getText();
    }

    public String repairText() {
        return repair.getText();
    }

    public String watchText() {
        return watch.getText();
    }

    public boolean showing() {
        return root.isVisible();
    }
}
