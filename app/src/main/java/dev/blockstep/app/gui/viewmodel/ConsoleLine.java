package dev.blockstep.app.gui.viewmodel;

/** One console line: the narration of a step, or a line the engine printed to stderr during it. */
public record ConsoleLine(int step, boolean stderr, String text) {
}
