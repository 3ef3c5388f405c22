package dev.blockstep.app.gui.panels;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.app.gui.session.CheckRunner;
import dev.blockstep.app.gui.session.DebugSession;
import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.viewmodel.LateFix;
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
    /** Why a run with the fix ON still ended CORRUPT, when it was switched on too late. */
    private final Label why = new Label();
    private final BorderPane root = new BorderPane();
    /** The report on screen and where it was taken; null when nothing of this file has been checked. */
    private Shown shown;
    private long currentRevision = -1;
    private long currentOpen = -1;
    private int currentStep;
    private Runnable onChecked = () -> { };

    /** A check result and the step, step revision and open it belongs to. */
    private record Shown(CheckRunner.CheckResult result, int step, long revision, long open, String why) {
    }

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
        why.setId("check-why");
        why.setWrapText(true);
        why.getStyleClass().add("check-why");
        why.managedProperty().bind(why.textProperty().isNotEmpty());
        why.visibleProperty().bind(why.managedProperty());
        root.setTop(new javafx.scene.layout.VBox(4, bar, why));
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

    public String whyText() {
        return why.getText();
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
        if (currentOpen != session.openRevision()) {
            // another file is open: the previous one's report says nothing about it
            currentOpen = session.openRevision();
            shown = null;
            report.setText("");
        }
        if (state.snapshot().finished() && (shown == null || shown.revision() != currentRevision)) {
            runCheck();
        } else {
            render();
        }
    }

    public void runCheck() {
        long revision = currentRevision;
        long open = currentOpen;
        int step = currentStep;
        SessionState at = session.state();
        String why = at == null ? "" : LateFix.explain(at.snapshot(), at.steps(), LateFix.switchedOnAt(at.steps()))
                .orElse("");
        verdict.setText("checking step " + step + " …");
        session.query("Check", runner::check, result -> {
            if (open == currentOpen) {
                shown = new Shown(result, step, revision, open, result.clean() ? "" : why);
                report.setText(result.report());
                render();
                onChecked.run();
            }
        });
    }

    /** The verdict line, always from the fields of the report on screen, never from the label's old text. */
    private void render() {
        boolean failed = shown != null && !shown.result().clean();
        verdict.pseudoClassStateChanged(Styles.FAILED, failed);
        report.pseudoClassStateChanged(Styles.FAILED, failed);
        why.setText(shown == null ? "" : shown.why());
        if (shown == null) {
            verdict.setText("not checked yet");
            return;
        }
        CheckRunner.CheckResult r = shown.result();
        String what = r.clean() ? "no errors" : r.exitCode() == 3 ? "leaks only (exit 3)"
                : "CORRUPT (exit " + r.exitCode() + ")";
        String when = shown.revision() == currentRevision ? "at step " + shown.step()
                : "at step " + shown.step() + " (stale: now at step " + currentStep + ")";
        verdict.setText(when + ": " + what);
    }
}
