package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.cli.BenchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import picocli.CommandLine;

/**
 * {@code blockstep bench --gui --json} opens the real window, drives it, and prints the five figures the issue
 * names. Not the timings (they depend on the machine), and on a small workload so it stays quick.
 */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class GuiBenchCommandTest {

    @Start
    void start(Stage stage) {
        // the toolkit is up; the bench opens a window of its own
    }

    @Test
    void benchGuiPrintsTheFiveFigures() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("--gui", "--quick", "--json", "--gui-commands=100");
        assertEquals(0, exit, out.toString());
        String json = out.toString().strip();
        for (String key : List.of("stepMedianMs", "stepP95Ms", "backMedianMs", "jumpMedianMs", "openMs")) {
            assertTrue(json.matches("(?s)\\{.*\"" + key + "\": [0-9]+\\.[0-9]+.*\\}"), key + " in " + json);
        }
    }
}
