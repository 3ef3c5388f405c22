package dev.blockstep.engine.explore;

import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.coroutine.SchedulingPolicy;
import java.util.List;

/**
 * Follows a run's recorded choices as far as the run under it allows, so that one schedule can be replayed
 * with the fix flipped: the fix makes requests wait, so a recorded coroutine may not be runnable. Then the
 * lowest runnable id steps and the recorded choice stays pending until its coroutine can run again.
 * Asked only at open choice points, as the explorer's macro steps are.
 */
public final class FollowChoices implements SchedulingPolicy {
    private final List<Integer> choices;
    private int next;

    public FollowChoices(List<Integer> choices) {
        this.choices = List.copyOf(choices);
    }

    @Override
    public int choose(int stepIndex, List<Integer> runnable, Scheduler scheduler) {
        if (next < choices.size() && runnable.contains(choices.get(next))) {
            return choices.get(next++);
        }
        return runnable.get(0);
    }

    @Override
    public String describe() {
        return "the recorded choices " + choices + ", where they can run";
    }
}
