package dev.blockstep.app.gui.viewmodel;

import static dev.blockstep.app.gui.HandBuilt.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleModelTest {

    private static final List<Step> STEPS = List.of(
            step(0, 1, "link_l2"),
            step(1, 2, "zeroize", new EngineEvent.StderrLine(2, "qcow2_free_clusters failed: Invalid argument")),
            step(2, 1, "end"));

    @Test
    void stderrLinesAppearAfterTheNarrationOfTheStepThatPrintedThem() {
        ConsoleModel m = new ConsoleModel();
        m.follow(StepHistory.of(STEPS), Map.of(1, "W1", 2, "Z1"));
        assertEquals(new ConsoleLine(1, true, "qcow2_free_clusters failed: Invalid argument"), m.lines().get(2));
        assertEquals("#2 Z1 zeroize — zeroize narration", m.lines().get(1).text());
    }

    @Test
    void goingBackDropsTheLinesOfTheUndoneSteps() {
        ConsoleModel m = new ConsoleModel();
        m.follow(StepHistory.of(STEPS), Map.of());
        assertTrue(m.follow(StepHistory.of(STEPS.subList(0, 1)), Map.of()));
        assertEquals(1, m.lines().size());
    }
}
