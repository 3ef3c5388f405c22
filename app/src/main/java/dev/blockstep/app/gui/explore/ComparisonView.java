package dev.blockstep.app.gui.explore;

import dev.blockstep.engine.explore.FixComparison;
import dev.blockstep.engine.explore.Verdict;
import dev.blockstep.engine.fix.FixVariant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import javafx.beans.property.ObjectProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.layout.HBox;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * Two fix variants against each other (none and patch unless the user picks others): one schedule's steps under
 * each, row by row, with the
 * L2 entry of the raced cluster and its host cluster's refcount after each step; the first step where the
 * two runs part is marked and scrolled to, and every cell whose two sides differ is highlighted. Row numbers are
 * the debugger's step numbers (row N is the state after step N), and clicking a row travels there.
 */
public final class ComparisonView {

    /** One table row: step i of each side (null where a side has ended). */
    public record PairRow(int index, FixComparison.StepRow left, FixComparison.StepRow right, boolean divergence) {
        /** The debugger's number for this step: the state after it is position {@code index + 1}. */
        public int stepNumber() {
            return index + 1;
        }

        /** Whether the two sides show different text in one column. */
        public boolean differs(Function<FixComparison.StepRow, String> column) {
            String a = left == null ? "" : column.apply(left);
            String b = right == null ? "" : column.apply(right);
            return !a.equals(b);
        }
    }

    /** Style class of a cell whose two sides differ. */
    public static final String DIFFERS = "comparison-differs";

    private final BorderPane root = new BorderPane();
    private final TableView<PairRow> table = new TableView<>();
    private final Label title = new Label("Select a counterexample and press “Compare two fix variants”.");
    private final Label leftVerdict = new Label();
    private final Label rightVerdict = new Label();
    private final Label leftName = new Label();
    private final Label rightName = new Label();
    private final TableColumn<PairRow, String> leftColumn = group(PairRow::left);
    private final TableColumn<PairRow, String> rightColumn = group(PairRow::right);
    private final Label divergence = new Label();
    private java.util.function.IntConsumer travel = n -> { };

    /** @param compareSeeded compares the selected scenario under a seeded uniform policy */
    public ComparisonView(ExploreViewModel vm, LongConsumer compareSeeded) {
        root.setId("comparison-view");
        root.setPadding(new Insets(10));
        title.getStyleClass().add("panel-title");
        title.setId("comparison-title");
        leftVerdict.setId("comparison-left-verdict");
        rightVerdict.setId("comparison-right-verdict");
        divergence.setId("comparison-divergence");
        GridPane head = new GridPane();
        head.setHgap(12);
        head.setVgap(2);
        head.addRow(0, leftName, leftVerdict);
        head.addRow(1, rightName, rightVerdict);
        head.addRow(2, new Label("Diverge:"), divergence);
        TextField seed = new TextField("1");
        seed.setId("comparison-seed");
        seed.setPrefColumnCount(8);
        seed.setTextFormatter(new TextFormatter<String>(ch -> ch.getControlNewText().matches("\\d{0,12}") ? ch : null));
        Button seeded = new Button("Compare under random seed");
        seeded.setId("comparison-run-seeded");
        seeded.setOnAction(e -> compareSeeded.accept(seed.getText().isEmpty() ? 0 : Long.parseLong(seed.getText())));
        HBox policy = new HBox(8, new Label("Or the Explore tab's scenario, same seeded uniform policy on both sides:"),
                seed, seeded);
        policy.setAlignment(Pos.CENTER_LEFT);
        ChoiceBox<FixVariant> left = variants("comparison-left", vm.compareLeftProperty());
        ChoiceBox<FixVariant> right = variants("comparison-right", vm.compareRightProperty());
        HBox pick = new HBox(8, new Label("Compare fix variant"), left, new Label("against"), right);
        pick.setAlignment(Pos.CENTER_LEFT);
        root.setTop(new VBox(6, pick, policy, title, head));
        table.setId("comparison-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new Label("No comparison yet."));
        table.getColumns().add(column("Step", 50, r -> Integer.toString(r.stepNumber())));
        table.getColumns().add(leftColumn);
        table.getColumns().add(rightColumn);
        table.setRowFactory(t -> new TableRow<>() {
            {
                setOnMouseClicked(e -> {
                    if (getItem() != null && e.getClickCount() >= 1) {
                        travel.accept(getItem().stepNumber());
                    }
                });
            }

            @Override
            protected void updateItem(PairRow r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().remove("divergence-row");
                setStyle("");
                if (!empty && r != null && r.divergence()) {
                    getStyleClass().add("divergence-row");
                    setStyle("-fx-background-color: #ffd54f; -fx-text-background-color: #202020; -fx-font-weight: bold;");
                }
            }
        });
        BorderPane.setMargin(table, new Insets(8, 0, 0, 0));
        root.setCenter(table);
        vm.comparisonProperty().addListener((o, was, c) -> show(vm.comparisonTitleProperty().get(), c));
    }

    public Node node() {
        return root;
    }

    public TableView<PairRow> table() {
        return table;
    }

    /** Where a clicked row travels: the debugger's step number of that row. */
    public void onTravel(java.util.function.IntConsumer to) {
        this.travel = to;
    }

    private void show(String what, FixComparison c) {
        if (c == null) {
            return;
        }
        String l = "Fix " + c.left().fix().id();
        String r = "Fix " + c.right().fix().id();
        title.setText("Same schedule, " + l + " and " + r + ": " + what + "; raced guest cluster " + c.racedCluster());
        leftName.setText(l + ":");
        rightName.setText(r + ":");
        leftColumn.setText(l);
        rightColumn.setText(r);
        leftVerdict.setText(verdict(c.left()));
        rightVerdict.setText(verdict(c.right()));
        int d = c.firstDivergence();
        int s = c.firstStateDifference();
        divergence.setText(d < 0 ? "never: both runs took the same steps"
                : "first at step " + (d + 1) + " (marked)"
                        + (s >= 0 ? "; key state first differs after step " + (s + 1) : ""));
        table.getItems().setAll(rows(c));
        if (d >= 0) {
            table.scrollTo(d < 20 ? 0 : d - 3);
        }
    }

    /** Both step lists lined up by index; the divergence row is flagged. */
    public static List<PairRow> rows(FixComparison c) {
        List<FixComparison.StepRow> a = c.left().steps();
        List<FixComparison.StepRow> b = c.right().steps();
        List<PairRow> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            rows.add(new PairRow(i, i < a.size() ? a.get(i) : null, i < b.size() ? b.get(i) : null,
                    i == c.firstDivergence()));
        }
        return rows;
    }

    private static String verdict(FixComparison.Side s) {
        Verdict v = s.verdict();
        String check = v.corrupt() ? "CORRUPT — " + String.join("; ", v.checkLines()) : "clean";
        String rest = v.bad() && !v.corrupt() ? " — " + v.summary() : "";
        return s.steps().size() + " steps, qemu-img check: " + check + rest
                + (v.stderr().isEmpty() ? "" : "; stderr: " + v.stderr().get(0));
    }

    private static ChoiceBox<FixVariant> variants(String id, ObjectProperty<FixVariant> p) {
        ChoiceBox<FixVariant> box = new ChoiceBox<>(FXCollections.observableArrayList(FixVariant.all()));
        box.setId(id);
        box.valueProperty().bindBidirectional(p);
        return box;
    }

    private static TableColumn<PairRow, String> group(Function<PairRow, FixComparison.StepRow> side) {
        TableColumn<PairRow, String> g = new TableColumn<>();
        Function<FixComparison.StepRow, String> step = r -> r.coroutine() + "  " + r.step();
        g.getColumns().add(sideColumn("Step", 260, side, step));
        g.getColumns().add(sideColumn("L2 entry", 150, side, FixComparison.StepRow::l2Entry));
        g.getColumns().add(sideColumn("Refcount", 230, side, FixComparison.StepRow::refcount));
        return g;
    }

    /** A column of one side whose cell is marked where the other side shows something else. */
    private static TableColumn<PairRow, String> sideColumn(String name, double width,
                                                          Function<PairRow, FixComparison.StepRow> side,
                                                          Function<FixComparison.StepRow, String> value) {
        TableColumn<PairRow, String> col = column(name, width, r -> side.apply(r) == null ? "" : value.apply(side.apply(r)));
        col.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                PairRow r = empty || getTableRow() == null ? null : getTableRow().getItem();
                getStyleClass().remove(DIFFERS);
                if (r != null && r.differs(value)) {
                    getStyleClass().add(DIFFERS);
                }
            }
        });
        return col;
    }

    private static TableColumn<PairRow, String> column(String name, double width, Function<PairRow, String> f) {
        TableColumn<PairRow, String> col = new TableColumn<>(name);
        col.setPrefWidth(width);
        col.setSortable(false);
        col.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        return col;
    }
}
