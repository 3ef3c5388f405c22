package dev.blockstep.app.gui;

import dev.blockstep.app.gui.session.RepairRunner;
import javafx.scene.Scene;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The window the Repair menu item opens: qemu-img check before, what check -r all printed and changed (the
 * cluster each write or punch hit, and what that cluster held), and the check of the repaired copy.
 */
final class RepairDialog {
    private RepairDialog() {
    }

    static Stage show(Window owner, RepairRunner.BeforeAndAfter r) {
        TextArea text = new TextArea(text(r));
        text.setId("repair-report");
        text.setEditable(false);
        text.setStyle("-fx-font-family: monospace;");
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.setTitle("Repair (qemu-img check -r all)");
        stage.setScene(new Scene(text, 760, 560));
        stage.show();
        return stage;
    }

    static String text(RepairRunner.BeforeAndAfter r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Before: qemu-img check (exit ").append(r.before().exitCode()).append(")\n")
                .append(r.before().report()).append('\n');
        sb.append("Repair: qemu-img check -r all (exit ").append(r.repair().exitCode()).append(")\n")
                .append(r.repair().report()).append('\n');
        sb.append("What the repair changed, in a copy (the session's image is unchanged):\n");
        if (r.repair().changes().isEmpty()) {
            sb.append("  nothing\n");
        }
        r.repair().changes().forEach(c -> sb.append("  ").append(c).append('\n'));
        sb.append('\n').append("After: qemu-img check of the repaired copy (exit ").append(r.after().exitCode())
                .append(")\n").append(r.after().report());
        return sb.toString();
    }
}
