package dev.blockstep.app.gui.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Window;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test whose code threw on the FX thread (instead of TestFX's delayed exception blaming a later
 * test), drains the FX event queue after each test and hides its windows. Use after TestFX's
 * ApplicationExtension: {@code @ExtendWith({ApplicationExtension.class, FxThreadFailures.class})}.
 */
public final class FxThreadFailures implements BeforeEachCallback, AfterEachCallback {

    private final List<Throwable> thrown = new ArrayList<>();
    private Thread.UncaughtExceptionHandler previous;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        onFx(() -> {
            Thread fx = Thread.currentThread();
            previous = fx.getUncaughtExceptionHandler();
            fx.setUncaughtExceptionHandler((t, e) -> {
                synchronized (thrown) {
                    thrown.add(e);
                }
            });
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        onFx(() -> { });
        onFx(() -> {
            Thread.currentThread().setUncaughtExceptionHandler(previous);
            for (Window w : List.copyOf(Window.getWindows())) {
                w.hide();
            }
        });
        failIfThrown(context.getDisplayName());
    }

    /** Throws an AssertionError naming the test when its code threw on the FX thread. */
    void failIfThrown(String testName) {
        synchronized (thrown) {
            if (!thrown.isEmpty()) {
                AssertionError failure = new AssertionError(
                        testName + " threw on the FX thread: " + thrown.get(0), thrown.get(0));
                thrown.subList(1, thrown.size()).forEach(failure::addSuppressed);
                thrown.clear();
                throw failure;
            }
        }
    }

    /** Runs on the FX thread and waits; running it twice drains what earlier events queued. */
    static void onFx(Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("FX thread did not answer within 10 s");
        }
    }
}
