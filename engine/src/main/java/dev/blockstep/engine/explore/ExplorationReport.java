package dev.blockstep.engine.explore;

import dev.blockstep.engine.fix.FixVariant;
import java.util.ArrayList;
import java.util.List;

/** The human and JSON texts of an exhaustive exploration, shared by the explore and verify commands. */
public final class ExplorationReport {
    private ExplorationReport() {
    }

    public static List<String> human(String scenario, FixVariant fix, boolean reduce, Exploration x, boolean listAll) {
        List<String> out = new ArrayList<>();
        out.add("scenario " + scenario + ", fix " + fix.id() + ", exhaustive"
                + (reduce ? " with sleep-set reduction" : " without reduction"));
        out.add("states visited: " + x.states() + (x.truncated() ? " (stopped at a budget, the preemption bound or Cancel: NOT complete)" : ""));
        out.add("interleavings: " + x.interleavings() + (!reduce ? " (every schedule)" : x.cacheHits() > 0
                ? " (runs explored to the end; the others stopped where they reached a state already explored)"
                : " (one per class of equivalent schedules; " + x.sleepBlocked() + " branches cut by sleep sets)"));
        if (x.cacheHits() > 0) {
            out.add("states cached: " + x.cacheHits() + " (reached again by another order and not explored again)");
        }
        out.add(String.format("engine steps: %d, time: %.1f ms, %.0f states/s", x.engineSteps(), x.nanos() / 1e6,
                x.statesPerSecond()));
        out.add("distinct end states: " + x.endStates().size());
        int i = 1;
        for (Exploration.EndState e : x.endStates().values()) {
            out.add("  end state " + i++ + " (" + e.runs() + " interleavings): " + e.verdict().summary());
            for (String l : e.verdict().checkLines()) {
                out.add("    " + l);
            }
            for (Drift d : e.verdict().drifts()) {
                out.add("    data drift: " + d);
            }
            for (String l : e.verdict().stderr()) {
                out.add("    stderr: " + l);
            }
        }
        out.add("corrupt end states: " + x.corruptEndStates() + ", end states with data drift: "
                + x.driftEndStates());
        long badRuns = x.endStates().values().stream().filter(e -> e.verdict().bad()).mapToLong(e -> e.runs()).sum();
        out.add("bad interleavings: " + badRuns + " of " + x.interleavings());
        Counterexample c = x.firstCounterexample();
        if (c != null) {
            out.add("first counterexample: " + c.verdict().summary());
            out.add("  choices: " + c.describe());
        }
        if (listAll) {
            out.add("bad schedules (open choices in order):");
            for (Counterexample b : x.badSchedules()) {
                out.add("  " + b.describe() + "  => " + b.verdict().summary());
            }
            if (x.badSchedules().size() < badRuns) {
                out.add("  ... " + (badRuns - x.badSchedules().size()) + " more not kept");
            }
        }
        return out;
    }

    public static String json(String scenario, FixVariant fix, boolean reduce, Exploration x, String counterexampleFile) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"scenario\": ").append(Json.str(scenario));
        sb.append(", \"fix\": ").append(Json.str(fix.id()));
        sb.append(", \"reduction\": ").append(reduce);
        sb.append(", \"complete\": ").append(!x.truncated());
        sb.append(", \"states\": ").append(x.states());
        sb.append(", \"interleavings\": ").append(x.interleavings());
        sb.append(", \"engineSteps\": ").append(x.engineSteps());
        sb.append(", \"cacheHits\": ").append(x.cacheHits());
        sb.append(", \"millis\": ").append(x.nanos() / 1_000_000);
        sb.append(", \"statesPerSecond\": ").append(Math.round(x.statesPerSecond()));
        sb.append(", \"endStates\": ").append(x.endStates().size());
        sb.append(", \"corruptEndStates\": ").append(x.corruptEndStates());
        sb.append(", \"driftEndStates\": ").append(x.driftEndStates());
        long badRuns = x.endStates().values().stream().filter(e -> e.verdict().bad()).mapToLong(e -> e.runs()).sum();
        sb.append(", \"badInterleavings\": ").append(badRuns);
        Counterexample c = x.firstCounterexample();
        if (c != null) {
            sb.append(", \"counterexample\": {\"choices\": ").append(Json.str(c.describe()));
            sb.append(", \"verdict\": ").append(Json.verdict(c.verdict()));
            if (counterexampleFile != null) {
                sb.append(", \"trace\": ").append(Json.str(counterexampleFile));
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }
}
