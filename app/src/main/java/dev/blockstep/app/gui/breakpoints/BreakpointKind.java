package dev.blockstep.app.gui.breakpoints;

/**
 * What a breakpoint stops on. Step kinds match what one step did; conditions match the state after it and
 * fire only when they become true, so resuming past a standing condition does not stop again at once.
 */
public enum BreakpointKind {
    LOCK_DROP("s->lock dropped for data I/O", false),
    L2_WRITE("L2 entry written", false),
    REFCOUNT_ZERO("refcount reaches 0", false),
    FREE_FAILURE("free failure on stderr", false),
    STEP_NAME("step named", false),
    /** Every step: with conditions, "stop when W1 takes any step on guest cluster 0". */
    ANY_STEP("any step", false),
    REFCOUNT_BELOW_REFERENCES("refcount < references", true),
    ANY_ALIASING("any host cluster aliased", true);

    private final String label;
    private final boolean condition;

    BreakpointKind(String label, boolean condition) {
        this.label = label;
        this.condition = condition;
    }

    public String label() {
        return label;
    }

    public boolean isCondition() {
        return condition;
    }
}
