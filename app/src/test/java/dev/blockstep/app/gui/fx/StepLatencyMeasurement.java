package dev.blockstep.app.gui.fx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.session.SessionPanel;
import dev.blockstep.app.gui.session.SessionState;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.SplitMix64;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Measures, on the real engine and the real window, how long one step takes from the command on the FX thread to
 * every panel having redrawn, deep into a 5000-command workload. Opt-in (-Dblockstep.measure=true): it prints
 * figures for the report and only fails when a step takes longer than a user would accept.
 */
@EnabledIfSystemProperty(named = "blockstep.measure", matches = "true")
@ExtendWith({ApplicationExtension.class, FxThreadFailures.class})
class StepLatencyMeasurement {

    private static final long CS = 65536;
    private WindowFixture fx;
    private final AtomicReference<CountDownLatch> landed = new AtomicReference<>(new CountDownLatch(1));

    @Start
    void start(Stage stage) {
        fx = new WindowFixture(stage);
        fx.vm.session().addPanel(new SessionPanel() {
            @Override
            public String panelName() {
                return "probe";
            }

            @Override
            public void stepDidChange(SessionState state) {
                landed.get().countDown();
            }
        });
    }

    /** 5000 aio writes, write-zeroes and write-zeroes with unmap on 8 clusters, a flush every 16. */
    static List<QemuIoCommand> contended(long seed, int n) {
        SplitMix64 r = new SplitMix64(seed);
        List<QemuIoCommand> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long off = r.nextInt(8) * CS;
            int kind = r.nextInt(3);
            out.add(new QemuIoCommand.AioWrite(off, CS, kind == 0 ? 1 + r.nextInt(255) : 0, kind != 0, kind == 2,
                    false));
            if (i % 16 == 0) {
                out.add(new QemuIoCommand.AioFlush());
            }
        }
        out.add(new QemuIoCommand.AioFlush());
        return out;
    }

    private long timed(Runnable onFx) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        landed.set(l);
        long t0 = System.nanoTime();
        Platform.runLater(onFx);
        assertTrue(l.await(600, TimeUnit.SECONDS));
        return System.nanoTime() - t0;
    }

    @Test
    void stepLatencyDeepIntoA5000CommandWorkload() throws Exception {
        Workload w = new Workload(Qcow2Create.create(16L << 20, 65536), "w.qcow2", contended(7, 5000), FixVariant.NONE,
                () -> Policies.seededRandom(7));
        long open = timed(() -> fx.vm.open("5000 commands", () -> new EngineSession(w)));
        long resume = timed(fx.vm::resume);
        WindowFixture.until("finished", () -> fx.vm.finishedProperty().get() && !fx.vm.busyProperty().get());
        int end = fx.vm.stepProperty().get();
        long back = timed(fx.vm::stepBack);
        long fwd = timed(fx.vm::step);
        long goMiddle = timed(() -> fx.vm.goToStep(end / 2));
        long[] idle = new long[50];
        for (int i = 0; i < idle.length; i++) {
            CountDownLatch l = new CountDownLatch(1);
            long t0 = System.nanoTime();
            Platform.runLater(l::countDown);
            l.await();
            idle[i] = System.nanoTime() - t0;
            Thread.sleep(20);
        }
        Arrays.sort(idle);
        System.out.printf("MEASURE FX round trip with nothing to do: median=%.2f ms, max=%.2f ms%n", idle[25] / 1e6,
                idle[49] / 1e6);
        java.util.Map<String, Long> before = new java.util.TreeMap<>(
                org.testfx.util.WaitForAsyncUtils.asyncFx(() -> fx.vm.session().panelNanos()).get());
        long[] steps = new long[200];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = timed(fx.vm::step);
        }
        Arrays.sort(steps);
        java.util.Map<String, Long> after = org.testfx.util.WaitForAsyncUtils.asyncFx(
                () -> new java.util.TreeMap<>(fx.vm.session().panelNanos())).get();
        StringBuilder per = new StringBuilder();
        after.forEach((k, v) -> per.append(String.format(" %s=%.2f", k, (v - before.getOrDefault(k, 0L)) / 200e6)));
        System.out.println("MEASURE mean redraw per step, ms:" + per);
        System.out.printf("MEASURE open=%d ms, resume to end (%d steps)=%d ms, step back at end=%d ms,"
                        + " step forward (redo)=%d ms, go to step %d=%d ms%n",
                open / 1_000_000, end, resume / 1_000_000, back / 1_000_000, fwd / 1_000_000, end / 2,
                goMiddle / 1_000_000);
        System.out.printf("MEASURE step at ~%d of %d (200 steps, command to all panels redrawn): median=%.2f ms,"
                        + " p95=%.2f ms, max=%.2f ms%n", end / 2, end, steps[100] / 1e6, steps[190] / 1e6,
                steps[199] / 1e6);
        assertTrue(steps[100] < 1_000_000_000L, "median step over 1 s");
    }
}
