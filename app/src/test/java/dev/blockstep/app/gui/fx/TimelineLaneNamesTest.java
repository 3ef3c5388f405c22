package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.app.gui.timeline.Lane;
import dev.blockstep.engine.snapshot.CoroutineView;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Timeline lanes carry their coroutines' real names from the known history, also before those coroutines exist. */
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class TimelineLaneNamesTest {

    private WindowFixture fx;

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
    }

    @Test
    void lanesOfCoroutinesThatStartLaterAreNamedAtStepZero() throws Exception {
        // a sample opens as a replayed recording: the whole story is known, and drawn, at step 0
        fx.openSample(dev.blockstep.app.gui.session.EngineWiring.DEFAULT_SAMPLE);
        SessionState start = fx.state();
        assertEquals(0, start.snapshot().step());
        Set<Integer> atZero = start.snapshot().coroutines().stream().map(CoroutineView::id).collect(Collectors.toSet());
        Map<Integer, String> labels = WaitForAsyncUtils.asyncFx(() -> fx.window.timelinePanel().model().lanes().stream()
                .collect(Collectors.toMap(Lane::coroutine, l -> fx.window.timelinePanel().laneLabel(l.coroutine()))))
                .get();
        assertFalse(labels.keySet().stream().allMatch(atZero::contains),
                "some lane's coroutine starts after step 0 (else this test shows nothing): " + labels);
        Map<Integer, String> named = new HashMap<>();
        for (CoroutineView c : fx.resumeToEnd().snapshot().coroutines()) {
            named.put(c.id(), c.name());
        }
        labels.forEach((id, label) -> assertEquals(named.get(id), label, "lane of coroutine " + id + " at step 0"));
    }
}
