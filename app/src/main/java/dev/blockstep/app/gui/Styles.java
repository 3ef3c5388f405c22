package dev.blockstep.app.gui;

import javafx.css.PseudoClass;

/**
 * Named states the CSS decides the look of. Code sets states, never colours; the colour tokens live in
 * theme.css (light and dark blocks).
 */
public final class Styles {

    /** Changed by the last step. */
    public static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    /** In a row the last step changed, though not this cell's value (a lighter mark than :changed). */
    public static final PseudoClass ROW_CHANGED = PseudoClass.getPseudoClass("row-changed");
    /**
     * An L2 entry that reads as zeros (ZERO_PLAIN or ZERO_ALLOC). A pseudo-class, not a style class: a cell is
     * reused for another entry at every step, and a style class changing makes JavaFX look up the cell's whole
     * style again, which a jump pays for every visible cell.
     */
    public static final PseudoClass READS_ZERO = PseudoClass.getPseudoClass("reads-zero");
    /** Coroutine holds s->lock. */
    public static final PseudoClass LOCK_HELD = PseudoClass.getPseudoClass("lock-held");
    /** Coroutine dropped s->lock for its data I/O while keeping its allocation. */
    public static final PseudoClass LOCK_DROPPED = PseudoClass.getPseudoClass("lock-dropped");
    /** Host cluster with refcount 0 that something still points at, or a freed cluster. */
    public static final PseudoClass FREED = PseudoClass.getPseudoClass("freed");
    /** Host cluster named by two or more L2 entries, or an L2 entry pointing at one. */
    public static final PseudoClass ALIASED = PseudoClass.getPseudoClass("aliased");
    /** refcount < references: what qemu-img check reports as ERROR. */
    public static final PseudoClass UNDER_COUNTED = PseudoClass.getPseudoClass("under-counted");
    /** refcount > references: a leak. */
    public static final PseudoClass LEAKED = PseudoClass.getPseudoClass("leaked");
    /** The run stopped here because of a breakpoint. */
    public static final PseudoClass BREAKPOINT_HIT = PseudoClass.getPseudoClass("breakpoint-hit");
    /** The coroutine the policy steps next. */
    public static final PseudoClass NEXT = PseudoClass.getPseudoClass("next");
    /** Waiting (lock, tracked request, dependency). */
    public static final PseudoClass WAITING = PseudoClass.getPseudoClass("waiting");
    /** Finished. */
    public static final PseudoClass DONE = PseudoClass.getPseudoClass("done");
    /** Request carries BDRV_REQ_SERIALISING. */
    public static final PseudoClass SERIALISING = PseudoClass.getPseudoClass("serialising");
    /** Check found errors. */
    public static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");

    /** Style class of the whole window root, switched to pick the dark token block. */
    public static final String DARK = "dark";
    /** Style class of the window root in presentation mode (large type). */
    public static final String PRESENTATION = "presentation";
    public static final String THEME_CSS = "/dev/blockstep/app/gui/theme.css";
    public static final String DEBUGGER_CSS = "/dev/blockstep/app/gui/debugger.css";

    private Styles() {
    }
}
