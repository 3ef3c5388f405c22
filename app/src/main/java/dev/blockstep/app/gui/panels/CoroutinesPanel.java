package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.CoroutineView;
import dev.blockstep.engine.snapshot.LockView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;

/**
 * Coroutines and their frames, like a debugger's Threads and Frames views. The one the policy steps next
 * is highlighted; clicking picks the one "Step coroutine" steps, a double click steps it.
 */
public final class CoroutinesPanel implements SessionPanel {

    private final DebuggerViewModel vm;
    private final TableView<LiveRow<Integer, CoroutineRowItem>> table = new TableView<>();
    private final ListView<String> frames = new ListView<>();
    private final Label framesTitle = new Label("Frames");
    private final SplitPane root;
    private int next = -1;
    private boolean updating;
    /** Above this many coroutines, finished ones are hidden unless asked for: they would drown the live ones. */
    static final int MANY = 64;
    private final javafx.scene.control.CheckBox showFinished = new javafx.scene.control.CheckBox("Show finished");
    private final Label hiddenNote = new Label();
    private final javafx.scene.control.TableColumn<LiveRow<Integer, CoroutineRowItem>, CoroutineRowItem> name =
            LiveCell.column("Co", 72, r -> r.view().name());
    private final javafx.scene.control.TableColumn<LiveRow<Integer, CoroutineRowItem>, CoroutineRowItem> request =
            LiveCell.column("Request", 150, r -> r.view().request());
    private final javafx.scene.control.TableColumn<LiveRow<Integer, CoroutineRowItem>, CoroutineRowItem> state =
            LiveCell.column("State", 130, CoroutinesPanel::stateText);
    private final javafx.scene.control.TableColumn<LiveRow<Integer, CoroutineRowItem>, CoroutineRowItem> nextStep =
            LiveCell.column("Next step", 170, r -> r.view().phase());

    public CoroutinesPanel(DebuggerViewModel vm) {
        this.vm = vm;
        table.setId("coroutines");
        frames.setId("frames");
        table.setFixedCellSize(24);
        StyledRowsFlow.install(table);
        frames.setFixedCellSize(24);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No coroutines"));
        table.getColumns().add(name);
        table.getColumns().add(request);
        table.getColumns().add(state);
        table.getColumns().add(nextStep);
        table.setRowFactory(t -> new CoroutineRow());
        table.getSelectionModel().selectedItemProperty().addListener((obs, was, r) -> {
            if (!updating) {
                vm.selectedCoroutineProperty().set(r == null ? -1 : r.key());
            }
            showFrames(r == null ? null : r.value().view());
        });
        showFinished.setId("show-finished");
        hiddenNote.getStyleClass().add("panel-subtitle");
        javafx.scene.layout.HBox bar = new javafx.scene.layout.HBox(8, showFinished, hiddenNote);
        bar.getStyleClass().add("panel-toolbar");
        BorderPane tableBox = new BorderPane(table);
        tableBox.setTop(bar);
        BorderPane framesBox = new BorderPane(frames);
        framesBox.setTop(framesTitle);
        framesTitle.getStyleClass().add("panel-subtitle");
        root = new SplitPane(tableBox, framesBox);
        root.setOrientation(Orientation.VERTICAL);
        root.setDividerPositions(0.6);
        root.setId("coroutines-split");
    }

    public Node node() {
        return root;
    }

    /**
     * Presentation mode keeps each coroutine's name and state, in type a class can read: four columns of 17 px
     * type in the left pane cut every state to "LOC…". The request and the next step are the first lines of the
     * Frames list below, for the coroutine picked.
     */
    public void setPresentation(boolean on) {
        request.setVisible(!on);
        nextStep.setVisible(!on);
        // "qemu-io" and "LOCK DROPPED, data I/O" at 17 px
        name.setPrefWidth(on ? 95 : 72);
        state.setPrefWidth(on ? 215 : 130);
    }

    public SplitPane split() {
        return root;
    }

    @Override
    public String panelName() {
        return "Coroutines";
    }

    @Override
    public void stepDidChange(SessionState state) {
        LockView lock = state.snapshot().lock();
        next = state.nextUnderPolicy();
        int selected = vm.selectedCoroutineProperty().get();
        updating = true;
        try {
            List<CoroutineView> all = state.snapshot().coroutines();
            boolean showDone = showFinished.isSelected() || all.size() <= MANY;
            List<CoroutineView> shown = showDone ? all
                    : all.stream().filter(c -> c.state() != CoState.DONE).toList();
            hiddenNote.setText(shown.size() == all.size() ? ""
                    : (all.size() - shown.size()) + " finished coroutines hidden");
            // Each row carries what it shows about the lock and the policy, so a step restyles only the rows it
            // changed; table.refresh() would throw away and rebuild every row's cells on every step.
            LiveRows.update(table.getItems(), shown.stream().map(c -> new CoroutineRowItem(c,
                    c.id() == next, lock.owner() == c.id(), lock.droppedForDataIo().contains(c.id()))).toList(),
                    r -> r.view().id());
            var picked = table.getSelectionModel().getSelectedItem();
            if (picked == null || picked.key() != selected) {
                table.getItems().stream().filter(r -> r.key() == selected).findFirst()
                        .ifPresent(r -> table.getSelectionModel().select(r));
            }
        } finally {
            updating = false;
        }
        var shown = table.getSelectionModel().getSelectedItem();
        CoroutineRowItem row = shown != null ? shown.value()
                : table.getItems().stream().map(LiveRow::value).filter(CoroutineRowItem::next).findFirst().orElse(null);
        showFrames(row == null ? null : row.view());
    }

    private void showFrames(CoroutineView c) {
        if (c == null) {
            framesTitle.setText("Frames");
            frames.getItems().clear();
            return;
        }
        framesTitle.setText("Frames of " + c.name() + " — " + c.request());
        List<String> stack = new ArrayList<>();
        if (c.state() != CoState.DONE) {
            stack.add("▶ " + c.phase() + (c.blockedOn().isEmpty() ? "" : "   [" + c.blockedOn() + "]"));
        }
        List<String> passed = new ArrayList<>(c.frames());
        Collections.reverse(passed);
        stack.addAll(passed);
        ListUpdates.replaceChanged(frames.getItems(), stack);
    }

    private static String stateText(CoroutineRowItem r) {
        CoroutineView c = r.view();
        if (r.lockDropped()) {
            return "LOCK DROPPED, data I/O";
        }
        String s = switch (c.state()) {
            case RUNNABLE -> "runnable";
            case IN_DATA_IO -> "data I/O";
            case WAITING_LOCK -> "waits s->lock";
            case WAITING_TRACKED_REQUEST -> "waits request";
            case WAITING_DEPENDENCY -> "waits dependency";
            case WAITING_FLUSH -> "waits flush";
            case WAITING_COMPLETION -> "waits completion";
            case DONE -> "done";
        };
        return (r.holdsLock() ? "holds s->lock" : s) + (c.serialising() ? ", serialising" : "");
    }

    private final class CoroutineRow extends LiveTableRow<Integer, CoroutineRowItem> {
        private final Tooltip tip = new Tooltip();

        CoroutineRow() {
            setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && getItem() != null) {
                    vm.selectedCoroutineProperty().set(getItem().key());
                    vm.stepSelected();
                }
            });
        }

        @Override
        protected void show(CoroutineRowItem r) {
            boolean has = r != null;
            CoroutineView c = has ? r.view() : null;
            pseudoClassStateChanged(Styles.NEXT, has && r.next());
            pseudoClassStateChanged(Styles.LOCK_HELD, has && r.holdsLock());
            pseudoClassStateChanged(Styles.LOCK_DROPPED, has && r.lockDropped());
            pseudoClassStateChanged(Styles.WAITING, has && !c.state().canStep() && c.state() != CoState.DONE);
            pseudoClassStateChanged(Styles.DONE, has && c.state() == CoState.DONE);
            pseudoClassStateChanged(Styles.SERIALISING, has && c.serialising());
            if (has) {
                tip.setText(c.name() + ": " + c.request() + "\nnext: " + c.phase()
                        + (c.blockedOn().isEmpty() ? "" : "\nblocked on: " + c.blockedOn()));
            }
            setTooltip(has ? tip : null);
        }
    }
}
