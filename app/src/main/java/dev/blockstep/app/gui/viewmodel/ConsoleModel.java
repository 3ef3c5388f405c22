package dev.blockstep.app.gui.viewmodel;

import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The console's lines, following the session's history: one narration line per step, and every stderr
 * line at the step that printed it. Follows incrementally and truncates on going back.
 */
public final class ConsoleModel {

    private final List<ConsoleLine> lines = new ArrayList<>();
    /** The history followed last (immutable), to find where a new history departs from it. */
    private StepHistory followed = StepHistory.EMPTY;

    /** Returns true when lines were removed (the view must reset rather than append). */
    public boolean follow(StepHistory steps, Map<Integer, String> coroutineNames) {
        int common = StepHistory.commonPrefix(followed, steps);
        boolean removed = common < followed.size();
        if (removed) {
            int keep = lines.size();
            while (keep > 0 && lines.get(keep - 1).step() >= common) {
                keep--;
            }
            lines.subList(keep, lines.size()).clear();
        }
        for (int i = common; i < steps.size(); i++) {
            Step s = steps.get(i);
            String who = coroutineNames.getOrDefault(s.coroutine(), "co " + s.coroutine());
            lines.add(new ConsoleLine(i, false, String.format("#%d %s %s — %s", i + 1, who, s.name(),
                    s.narration().isEmpty() ? s.name() : s.narration())));
            for (EngineEvent e : s.events()) {
                if (e instanceof EngineEvent.StderrLine err) {
                    lines.add(new ConsoleLine(i, true, err.line()));
                }
            }
        }
        followed = steps;
        return removed;
    }

    public List<ConsoleLine> lines() {
        return Collections.unmodifiableList(lines);
    }
}
