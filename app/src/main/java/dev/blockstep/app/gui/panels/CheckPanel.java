package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.session.CheckRunner;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/**
 * The qemu-img check report of the current state: on demand, and by itself when the run finishes. The check
 * runs on the engine worker; the report shows for the step it was taken at.
 */
public final class CheckPanel implements SessionPanel {

    private final DebugSession session;
    private final CheckRunner runner;
    private final TextArea report = new TextArea();
    private final Label verdict = new Label("not checked yet");
    private final BorderPane root = new BorderPane();
    private long checkedRevision = -1;
    private long currentRevision = -1;
    private int currentStep;
    private Runnable onChecked = () -> { };

    public CheckPanel(DebugSession session, CheckRunner runner) {
        this.session = session;
        this.runner = runner;
        report.setId("check-report");
        report.setEditable(false);
        report.getStyleClass().add("mono");
        verdict.setId("check-verdict");
        Button now = new Button("Check now");
        now.setId("check-now");
        now.setOnAction(e -> runCheck());
        HBox bar = new HBox(8, now, verdict);
        bar.getStyleClass().add("panel-toolbar");
        root.setTop(bar);
        root.setCenter(report);
    }

    public Node node() {
        return root;
    }

    /** Called after each check result is shown. */
    public void onChecked(Runnable r) {
        onChecked = r;
    }

    public String reportText() {
        return report.getText();
    }

    public String verdictText() {
        return verdict.getText();
    }

    @Override
    public String panelName() {
        return "Check";
    }

    @Override
    public void stepDidChange(SessionState state) {
        currentRevision = state.stepRevision();
        currentStep = state.snapshot().step();
        if (checkedRevision != currentRevision && state.snapshot().finished()) {
            runCheck();
        } else if (checkedRevision >= 0 && checkedRevision != currentRevision) {
            verdict.setText(verdict.getText().replaceFirst("^(at step \\d+)(?!, stale)", "$1, stale"));
        }
    }

    public void runCheck() {
        long revision = currentRevision;
        int step = currentStep;
        verdict.setText("checking step " + step + " …");
        session.query("Check", runner::check, result -> show(result, revision, step));
    }

    private void show(CheckRunner.CheckResult result, long revision, int step) {
        checkedRevision = revision;
        report.setText(result.report());
        verdict.setText("at step " + step + ": " + (result.clean() ? "no errors"
                : result.exitCode() == 3 ? "leaks only (exit 3)" : "CORRUPT (exit " + result.exitCode() + ")"));
        verdict.pseudoClassStateChanged(Styles.FAILED, !result.clean());
        report.pseudoClassStateChanged(Styles.FAILED, !result.clean());
        onChecked.run();
    }
}
