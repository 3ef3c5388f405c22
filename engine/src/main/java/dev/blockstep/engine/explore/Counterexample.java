package dev.blockstep.engine.explore;

import dev.blockstep.engine.block.IssuedCommand;
import java.util.List;

/**
 * A run and how it ended: the choices at each open choice point, and the full step-level schedule a replay
 * needs (coroutine id per engine step with its runnable set and step name).
 *
 * @param choices   one coroutine id per macro step
 * @param schedule  every engine step, forced ones included
 * @param described the choice points where more than one coroutine could run, e.g. "Z2 qcow2_pwrite_zeroes"
 * @param commands  which coroutine ran each command, as qemu-io's loop recorded it in this run
 */
public record Counterexample(List<Integer> choices, List<ScheduledStep> schedule, List<String> described,
                             Verdict verdict, List<IssuedCommand> commands) {

    /** One engine step: who ran, who could have, and the step's name. */
    public record ScheduledStep(int coroutine, List<Integer> runnable, String name) {
        public ScheduledStep {
            runnable = List.copyOf(runnable);
        }
    }

    public Counterexample {
        choices = List.copyOf(choices);
        schedule = List.copyOf(schedule);
        described = List.copyOf(described);
        commands = List.copyOf(commands);
    }

    static Counterexample of(Run run, Verdict v) {
        var steps = run.steps().stream()
                .map(s -> new ScheduledStep(s.coroutine(), s.runnable(), s.name())).toList();
        var described = new java.util.ArrayList<String>();
        for (var s : run.steps()) {
            if (s.runnable().size() > 1) {
                described.add(run.coroutineName(s.coroutine()) + " " + s.name());
            }
        }
        return new Counterexample(run.choices(), steps, described, v, run.commands().all());
    }

    /** The open choices as one line, e.g. "W1 bdrv_co_pwritev_part, Z2 qcow2_pwrite_zeroes". */
    public String describe() {
        return String.join(", ", described);
    }
}
