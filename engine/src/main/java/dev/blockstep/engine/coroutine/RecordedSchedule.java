package dev.blockstep.engine.coroutine;

import java.util.List;

/**
 * Replays a recorded choice per step. It refuses to go on, naming the step and the runnable set, when the
 * recorded coroutine cannot run or the record has ended: a replay that drifts is an error, not a new run.
 */
public final class RecordedSchedule implements SchedulingPolicy {
    private final List<Integer> choices;

    RecordedSchedule(List<Integer> choices) {
        this.choices = List.copyOf(choices);
    }

    public int length() {
        return choices.size();
    }

    @Override
    public int choose(int stepIndex, List<Integer> runnable, Scheduler s) {
        if (stepIndex >= choices.size()) {
            throw new ScheduleDivergedException("step " + stepIndex + ": the recorded schedule ends after "
                    + choices.size() + " steps; runnable " + runnable);
        }
        int c = choices.get(stepIndex);
        if (!runnable.contains(c)) {
            throw new ScheduleDivergedException("step " + stepIndex + ": recorded coroutine " + c
                    + " cannot run; runnable " + runnable);
        }
        return c;
    }

    @Override
    public boolean pure() {
        return true;
    }

    @Override
    public String describe() {
        return "recorded schedule of " + choices.size() + " steps";
    }
}
