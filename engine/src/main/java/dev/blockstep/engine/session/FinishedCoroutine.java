package dev.blockstep.engine.session;

import dev.blockstep.engine.coroutine.Coroutine;
import dev.blockstep.engine.coroutine.Outcome;
import dev.blockstep.engine.coroutine.StepContext;
import dev.blockstep.engine.snapshot.CoroutineView;

/** Stands in, after a restore from a checkpoint, for a request that had finished: it only keeps its view. */
final class FinishedCoroutine extends Coroutine {
    private final CoroutineView view;

    FinishedCoroutine(CoroutineView view) {
        super(view.id(), view.name());
        this.view = view;
    }

    CoroutineView view() {
        return view;
    }

    @Override
    protected Outcome run(StepContext cx) {
        throw new IllegalStateException(view.name() + " finished before the checkpoint");
    }

    @Override
    public String phase() {
        return "done";
    }
}
