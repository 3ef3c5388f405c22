package dev.blockstep.app.gui.panels;

import dev.blockstep.engine.snapshot.CoroutineView;

/**
 * One row of the Coroutines table: the coroutine and what the row shows about it beyond its own view (the
 * policy's next pick, s->lock), so two rows are equal exactly when they look the same.
 */
public record CoroutineRowItem(CoroutineView view, boolean next, boolean holdsLock, boolean lockDropped) {
}
