package dev.blockstep.app.gui;

import dev.blockstep.app.gui.explore.ExploreWindow;
import dev.blockstep.app.gui.panels.BreakpointsPanel;
import dev.blockstep.app.gui.panels.CheckPanel;
import dev.blockstep.app.gui.panels.ConsolePanel;
import dev.blockstep.app.gui.panels.CoroutinesPanel;
import dev.blockstep.app.gui.panels.LockPanel;
import dev.blockstep.app.gui.panels.ProvenanceBar;
import dev.blockstep.app.gui.panels.RefcountPanel;
import dev.blockstep.app.gui.panels.TablesPanel;
import dev.blockstep.app.gui.panels.TimelinePanel;
import dev.blockstep.app.gui.panels.TrackedRequestsPanel;
import dev.blockstep.app.gui.session.DeferredPanel;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.app.gui.viewmodel.DebuggerViewModel;
import dev.blockstep.app.gui.viewmodel.ProvenanceModel;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The debugger perspective: toolbar on top; Coroutines and Breakpoints on the left; tracked requests, s->lock,
 * L1/L2 and refcounts in the middle; Timeline, Console and Check below; a status bar with progress and cancel.
 */
public final class DebuggerWindow {

    private final DebuggerViewModel vm;
    private final EngineWiring wiring;
    private final BorderPane root = new BorderPane();
    private final Scene scene;
    private final CoroutinesPanel coroutines;
    private final TrackedRequestsPanel tracked = new TrackedRequestsPanel();
    private final LockPanel lock = new LockPanel();
    private final TablesPanel tables = new TablesPanel();
    private final RefcountPanel refcounts = new RefcountPanel();
    private final TimelinePanel timeline;
    private final ConsolePanel console = new ConsolePanel();
    private final CheckPanel check;
    private final BreakpointsPanel breakpoints;
    private final ProvenanceBar provenance;
    private final TabPane bottomTabs = new TabPane();
    private final MainMenu files;
    private final GuideBar guide;
    private final javafx.beans.property.BooleanProperty dark = new javafx.beans.property.SimpleBooleanProperty();
    private final javafx.beans.property.BooleanProperty presentation =
            new javafx.beans.property.SimpleBooleanProperty();
    private SplitPane requestsAndLock;
    private SplitPane main;
    private SplitPane center;
    /** The dividers as they were before presentation mode placed them, put back when it ends. */
    private final java.util.Map<SplitPane, Double> beforePresentation = new java.util.HashMap<>();
    private SplitPane state;
    private TabPane tablesTab;
    private TabPane refTab;
    private Tab tables1;
    private Boolean narrow;
    private BorderPane requestsBox;
    private ExploreWindow explorer;

    public DebuggerWindow(DebuggerViewModel vm, EngineWiring wiring, Preferences prefs) {
        this(vm, wiring, prefs, screenSized());
    }

    /** Never wider or taller than the screen: a fixed 1600x1000 opened off the edges of a 1024x768 projector. */
    private static javafx.geometry.Dimension2D screenSized() {
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        return new javafx.geometry.Dimension2D(Math.min(PREFERRED_WIDTH, screen.getWidth()),
                Math.min(PREFERRED_HEIGHT, screen.getHeight()));
    }

    /**
     * A window first laid out at {@code size}: split panes place their dividers at the first layout, so a window
     * opened on a 1024x768 screen is laid out differently from one opened larger and then made 1024x768.
     */
    public DebuggerWindow(DebuggerViewModel vm, EngineWiring wiring, Preferences prefs,
                          javafx.geometry.Dimension2D size) {
        this.vm = vm;
        this.wiring = wiring;
        coroutines = new CoroutinesPanel(vm);
        timeline = new TimelinePanel(vm);
        check = new CheckPanel(vm.session(), wiring.checkRunner());
        breakpoints = new BreakpointsPanel(vm.session());
        provenance = new ProvenanceBar(new ProvenanceModel(vm::goToStep));
        tables.onPick(provenance.model()::select);
        refcounts.onPick(provenance.model()::select);
        vm.session().addPanel(provenance);
        vm.session().addPanel(coroutines);
        vm.session().addPanel(breakpoints);
        vm.session().addPanel(tracked);
        vm.session().addPanel(lock);
        vm.session().addPanel(tables);
        vm.session().addPanel(refcounts);
        vm.session().addPanel(check);

        guide = new GuideBar(vm, wiring);
        vm.session().addPanel(guide);
        dark.addListener((o, was, on) -> applyDark(on));
        presentation.addListener((o, was, on) -> applyPresentation(on));
        files = new MainMenu(vm, wiring, new RecentFiles(prefs), this::window, dark, presentation);
        DebuggerToolbar toolbar = new DebuggerToolbar(vm);
        files.menuBar().getMenus().add(exploreMenu());
        root.setTop(new VBox(files.menuBar(), toolbar.node(), Banner.create(vm), guide.node()));
        root.setCenter(layout(new DividerMemory(prefs)));
        root.setBottom(StatusBar.create(vm));
        root.getStyleClass().add("debugger");
        root.setId("debugger-root");

        scene = new Scene(root, size.getWidth(), size.getHeight());
        scene.getStylesheets().addAll(
                DebuggerWindow.class.getResource(Styles.THEME_CSS).toExternalForm(),
                DebuggerWindow.class.getResource(Styles.DEBUGGER_CSS).toExternalForm());
        installDragAndDrop();
        SettledCss.install(scene);
        scene.widthProperty().addListener((o, was, w) -> fitWidth(w.doubleValue()));
        fitWidth(scene.getWidth());
        vm.errorDialogProperty().addListener((o, was, now) -> {
            if (!now.isEmpty()) {
                showError(now);
            }
        });
    }

    /** Below this width the L1/L2 tables become a tab beside the refcount map, which keeps the room it needs. */
    static final double NARROW_BELOW = 1300;
    /** The most share of the height the state panes take above the timeline in presentation mode. */
    static final double PRESENTATION_STATE_SHARE = 0.55;
    /** The least share of the width the Coroutines pane has in presentation mode. */
    static final double PRESENTATION_LEFT = 0.35;
    static final double PREFERRED_WIDTH = 1600;
    static final double PREFERRED_HEIGHT = 1000;

    public Scene scene() {
        return scene;
    }

    /** The dark theme; the View menu's check item follows. */
    public void setDark(boolean on) {
        dark.set(on);
    }

    private void applyDark(boolean dark) {
        root.getStyleClass().remove(Styles.DARK);
        if (dark) {
            root.getStyleClass().add(Styles.DARK);
        }
        // the canvases' palettes see the new colours now, not at the next pulse's CSS pass after a step
        root.applyCss();
    }

    /**
     * Presentation mode (F5): large type and only what a class follows: coroutines, s->lock, the tables, the
     * refcount map and the timeline; tracked requests and breakpoints step aside.
     */
    public void setPresentation(boolean on) {
        presentation.set(on);
    }

    private void applyPresentation(boolean on) {
        root.getStyleClass().remove(Styles.PRESENTATION);
        if (on) {
            root.getStyleClass().add(Styles.PRESENTATION);
            requestsAndLock.getItems().remove(requestsBox);
        } else if (!requestsAndLock.getItems().contains(requestsBox)) {
            requestsAndLock.getItems().add(0, requestsBox);
            requestsAndLock.setDividerPositions(0.55);
        }
        guide.setPresentation(on);
        timeline.setPresentation(on);
        coroutines.setPresentation(on);
        // the coroutines' names and states at 17 px need about a third of a 1024 px projector; the timeline's
        // lanes need their rows beside the step-0 guide. A split pane keeps a
        // pane's minimum when it is resized or dragged, not when the minimum grows, so the dividers are placed,
        // and put back when presentation ends.
        presentationDivider(main, on, was -> Math.max(was, PRESENTATION_LEFT));
        presentationDivider(center, on, was -> Math.min(was, PRESENTATION_STATE_SHARE));
        root.applyCss();
    }

    /**
     * On a narrow window (a 1024-pixel projector) three side-by-side panes left the refcount map a third of the
     * width, too little to show the race's host cluster; the map shows the guest → host links itself, so the
     * L1/L2 tables move into a tab beside it.
     */
    private void fitWidth(double width) {
        boolean now = width < NARROW_BELOW;
        if (narrow != null && narrow == now) {
            return;
        }
        narrow = now;
        if (now) {
            tablesTab.getTabs().remove(tables1);
            refTab.getTabs().add(tables1);
            state.getItems().remove(tablesTab);
            state.setDividerPositions(0.36);
        } else if (!tablesTab.getTabs().contains(tables1)) {
            refTab.getTabs().remove(tables1);
            tablesTab.getTabs().add(tables1);
            state.getItems().add(1, tablesTab);
            state.setDividerPositions(0.34, 0.63);
        }
    }

    private void presentationDivider(SplitPane split, boolean on, java.util.function.DoubleUnaryOperator place) {
        if (on && !beforePresentation.containsKey(split)) {
            double was = split.getDividerPositions()[0];
            beforePresentation.put(split, was);
            split.setDividerPositions(place.applyAsDouble(was));
        } else if (!on && beforePresentation.containsKey(split)) {
            split.setDividerPositions(beforePresentation.remove(split));
        }
    }

    public boolean presentation() {
        return root.getStyleClass().contains(Styles.PRESENTATION);
    }

    public GuideBar guide() {
        return guide;
    }

    /** Opens a trace, log or image as if dropped on the window. */
    public void openFile(Path file) {
        files.open(file);
    }

    /** Who answers "which image did this log start from?" (tests answer without a native dialog). */
    public void setBaseImageChooser(BaseImageChooser chooser) {
        files.setBaseImageChooser(chooser);
    }

    /** Who answers "which job command did the VM run?" for a mirror's log (tests answer without a native dialog). */
    public void setJobChooser(JobChooser chooser) {
        files.setJobChooser(chooser);
    }

    public void showBottomTab(String id) {
        bottomTabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst()
                .ifPresent(t -> bottomTabs.getSelectionModel().select(t));
    }

    public CheckPanel checkPanel() {
        return check;
    }

    public RefcountPanel refcountPanel() {
        return refcounts;
    }

    public TablesPanel tablesPanel() {
        return tables;
    }

    public ConsolePanel consolePanel() {
        return console;
    }

    public ProvenanceBar provenanceBar() {
        return provenance;
    }

    public TimelinePanel timelinePanel() {
        return timeline;
    }

    /** The Explore window (issue 6), made on first use. */
    public ExploreWindow explorer() {
        if (explorer == null) {
            explorer = new ExploreWindow(vm, wiring, window(), scene.getStylesheets());
        }
        return explorer;
    }

    private Menu exploreMenu() {
        MenuItem open = new MenuItem("Explore interleavings…");
        open.setId("menu-explore");
        open.setOnAction(e -> explorer().show());
        return new Menu("Explore", null, open);
    }

    private Window window() {
        return scene.getWindow();
    }

    private Node layout(DividerMemory memory) {
        TabPane left = tabs(List.of(tab("tab-coroutines", "Coroutines", coroutines.node()),
                tab("tab-breakpoints", "Breakpoints", breakpoints.node())));
        BorderPane lockBox = new BorderPane(lock.node());
        lockBox.setTop(subtitle("s->lock"));
        requestsBox = new BorderPane(tracked.node());
        requestsBox.setTop(subtitle("Tracked requests"));
        requestsAndLock = new SplitPane(requestsBox, lockBox);
        requestsAndLock.setOrientation(Orientation.VERTICAL);
        requestsAndLock.setDividerPositions(0.55);
        requestsAndLock.setId("requests-lock-split");
        tables1 = tab("tab-tables", "L1/L2 tables", tables.node());
        tablesTab = tabs(List.of(tables1));
        refTab = tabs(List.of(tab("tab-refcounts", "Refcounts / host clusters", refcounts.node())));
        state = new SplitPane(requestsAndLock, tablesTab, refTab);
        state.setDividerPositions(0.34, 0.63);
        state.setId("state-split");
        Tab timelineTab = tab("tab-timeline", "Timeline", timeline.node());
        Tab consoleTab = tab("tab-console", "Console", console.node());
        bottomTabs.setId("bottom-tabs");
        bottomTabs.getTabs().addAll(timelineTab, consoleTab, tab("tab-check", "Check", check.node()));
        // The check stays live (it runs by itself at the end); the two heavy views redraw only when shown.
        vm.session().addPanel(new DeferredPanel(timeline, timelineTab.selectedProperty(), vm::panelFailed));
        vm.session().addPanel(new DeferredPanel(console, consoleTab.selectedProperty(), vm::panelFailed));
        BorderPane stateAndProvenance = new BorderPane(state);
        stateAndProvenance.setBottom(provenance.node());
        center = new SplitPane(stateAndProvenance, bottomTabs);
        center.setOrientation(Orientation.VERTICAL);
        center.setDividerPositions(0.62);
        center.setId("center-split");
        main = new SplitPane(left, center);
        main.setDividerPositions(0.28);
        main.setId("main-split");
        for (SplitPane s : List.of(main, center, state, requestsAndLock, coroutines.split(), tables.split(),
                refcounts.split())) {
            memory.remember(s);
        }
        return main;
    }

    private void installDragAndDrop() {
        root.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        root.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty();
            if (ok) {
                files.open(e.getDragboard().getFiles().get(0).toPath());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private void showError(String oneLine) {
        Alert alert = new Alert(Alert.AlertType.ERROR, oneLine);
        alert.setHeaderText("Cannot open");
        alert.getDialogPane().setId("error-dialog");
        alert.getDialogPane().getStylesheets().addAll(scene.getStylesheets());
        if (window() != null) {
            alert.initOwner(window());
        }
        alert.setOnHidden(e -> vm.dismissErrorDialog());
        alert.show();
    }

    private static Tab tab(String id, String title, Node content) {
        Tab t = new Tab(title, content);
        t.setId(id);
        t.setClosable(false);
        return t;
    }

    private static TabPane tabs(List<Tab> tabs) {
        TabPane p = new TabPane();
        p.getTabs().addAll(tabs);
        return p;
    }

    private static Label subtitle(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("panel-title");
        return l;
    }
}
