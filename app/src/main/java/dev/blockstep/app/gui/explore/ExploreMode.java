package dev.blockstep.app.gui.explore;

/** How the Explore panel searches: every interleaving, or seeded random schedules. */
public enum ExploreMode {
    EXHAUSTIVE("Exhaustive (every interleaving)"),
    UNIFORM("Random, uniform"),
    PCT("Random, PCT");

    private final String label;

    ExploreMode(String label) {
        this.label = label;
    }

    public boolean random() {
        return this != EXHAUSTIVE;
    }

    @Override
    public String toString() {
        return label;
    }
}
