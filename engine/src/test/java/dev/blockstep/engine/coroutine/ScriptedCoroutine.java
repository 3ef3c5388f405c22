package dev.blockstep.engine.coroutine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A test coroutine whose phases are given as a list; each phase names itself after its index. */
public final class ScriptedCoroutine extends Coroutine {
    private final List<Function<StepContext, Outcome>> phases = new ArrayList<>();
    private int pc;

    public ScriptedCoroutine(int id, String name) {
        super(id, name);
    }

    public ScriptedCoroutine then(Function<StepContext, Outcome> phase) {
        phases.add(phase);
        return this;
    }

    /** Phase that does nothing but yield. */
    public ScriptedCoroutine yields(int n) {
        for (int i = 0; i < n; i++) {
            then(cx -> Outcome.YIELD);
        }
        return this;
    }

    /** A phase that re-runs itself until {@code phase} returns non-null; null means "repeat me". */
    @Override
    protected Outcome run(StepContext cx) {
        cx.name(name() + ".p" + pc);
        Outcome o = phases.get(pc).apply(cx);
        pc++;
        if (pc == phases.size() && !(o instanceof Outcome.Blocked)) {
            return Outcome.DONE;
        }
        return o;
    }

    @Override
    public String phase() {
        return pc < phases.size() ? name() + ".p" + pc : "done";
    }
}
