package dev.blockstep.app.gui;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import javafx.scene.Node;
import javafx.scene.Scene;

/**
 * Finishes, within the pulse that laid them out, the styles that table and list cells change during layout.
 *
 * <p>Why: a virtualised control fills its cells in the layout pass, after the pulse's CSS pass. A cell whose
 * pseudo-class changes there (changed, aliased, current row...) styles itself, but leaves its ancestors marked
 * "a branch below needs CSS" up to the scene's root. The toolkit then schedules one more pulse just to clear those
 * marks, and that pulse, having no node whose picture changed, repaints the whole window: with software rendering
 * on a 1600x1000 window, 60 to 120 ms after every step (seen with {@code -Djavafx.pulseLogger=true}: each F8 was
 * followed by a pulse that rendered every node with no dirty region). Running the scene's CSS pass again after
 * layout, while the root is still marked, clears the marks in the same pulse; it only visits the marked branches.
 *
 * <p>The toolkit has no public call for "the CSS pass of dirty branches" (the root's {@code applyCss} restyles the
 * whole tree), so this reaches the scene's own pass by reflection. Where that is not allowed it does nothing,
 * and the window behaves as before, one extra repaint slower.
 */
final class SettledCss {

    private final Scene scene;
    private final Method cssPass;
    private final Field cssFlag;

    private SettledCss(Scene scene, Method cssPass, Field cssFlag) {
        this.scene = scene;
        this.cssPass = cssPass;
        this.cssFlag = cssFlag;
    }

    /** Installs the check on {@code scene}'s pulses. */
    static void install(Scene scene) {
        try {
            Method pass = Scene.class.getDeclaredMethod("doCSSPass");
            pass.setAccessible(true);
            Field flag = Node.class.getDeclaredField("cssFlag");
            flag.setAccessible(true);
            SettledCss s = new SettledCss(scene, pass, flag);
            scene.addPostLayoutPulseListener(s::afterLayout);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // a toolkit that hides its internals gets the extra repaint, nothing worse
        }
    }

    private void afterLayout() {
        Node root = scene.getRoot();
        try {
            if (root == null || "CLEAN".equals(String.valueOf(cssFlag.get(root)))) {
                return;
            }
            cssPass.invoke(scene);
        } catch (ReflectiveOperationException e) {
            return;
        }
        if (root instanceof javafx.scene.Parent p && p.isNeedsLayout()) {
            p.layout();
        }
    }
}
