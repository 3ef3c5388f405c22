package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.CommandMap;
import dev.blockstep.engine.block.IssuedCommand;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data oracle on hand-made histories: requests with chosen begin and end steps, reads with chosen results and
 * a chosen final image, so each rule can be shown to accept and to reject.
 */
class DataOracleTest {
    private static final int C = 65536;

    /**
     * A history written by hand. Its command map is what qemu-io's loop records when it refuses nothing: each
     * request in turn runs in the next coroutine, named by its kind and id; aio_flush runs in the loop.
     */
    private static final class Hand implements History {
        final Map<Integer, long[]> times = new HashMap<>();
        final Map<Integer, byte[]> reads = new HashMap<>();
        final CommandMap commands;
        HostFile end;

        Hand(ExploreSetup s) {
            List<IssuedCommand> issued = new ArrayList<>();
            int next = 1;
            for (int i = 0; i < s.commands().size(); i++) {
                QemuIoCommand c = s.commands().get(i);
                if (c instanceof QemuIoCommand.AioFlush) {
                    issued.add(new IssuedCommand(i, 0, "qemu-io", IssuedCommand.Kind.DRAIN));
                } else {
                    String kind = c instanceof QemuIoCommand.Read ? "R" : "W";
                    issued.add(new IssuedCommand(i, next, kind + next, IssuedCommand.Kind.REQUEST));
                    next++;
                }
            }
            commands = CommandMap.of(issued);
        }

        @Override
        public CommandMap commands() {
            return commands;
        }

        Hand req(int co, long begin, long end) {
            times.put(co, new long[] {begin, end});
            return this;
        }

        @Override
        public Long beganAt(int co) {
            return times.containsKey(co) ? times.get(co)[0] : null;
        }

        @Override
        public Long endedAt(int co) {
            return times.containsKey(co) && times.get(co)[1] >= 0 ? times.get(co)[1] : null;
        }

        @Override
        public byte[] readResult(int co) {
            return reads.get(co);
        }

        @Override
        public HostFile finalImage() {
            return end;
        }
    }

    private static ExploreSetup setup(String setup, String cmds) {
        return Qcow2Scenarios.setup(setup, cmds, false);
    }

    /** The image after running {@code script} serially on a fresh image. */
    private static HostFile image(String script) {
        return SetupRunner.run(Qcow2Scenarios.fresh(), "t", Qcow2Scenarios.parse(script));
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[C];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void aFinalImageHoldingTheLastCompletedWriteIsClean() {
        ExploreSetup s = setup("write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_flush\n");
        Hand h = new Hand(s).req(1, 1, 5);
        h.end = image("write -P 0x22 0 64k\n");
        assertEquals(List.of(), new DataOracle(s).check(h));
    }

    @Test
    void aCompletedWriteThatNeverLandedIsDrift() {
        ExploreSetup s = setup("write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_flush\n");
        Hand h = new Hand(s).req(1, 1, 5);
        h.end = image("write -P 0x11 0 64k\n");
        assertEquals(List.of(new Drift("final image", 0, C, "0x11", List.of("W1 (0x22)"))), new DataOracle(s).check(h));
    }

    @Test
    void twoWritesInFlightTogetherMayEndEitherWayButNotAsTheInitialContent() {
        ExploreSetup s = setup("write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -P 0x33 0 64k\naio_flush\n");
        Hand h = new Hand(s).req(1, 1, 8).req(2, 3, 6);
        for (String end : new String[] {"write -P 0x22 0 64k\n", "write -P 0x33 0 64k\n"}) {
            h.end = image(end);
            assertEquals(List.of(), new DataOracle(s).check(h), end);
        }
        h.end = image("write -P 0x11 0 64k\n");
        assertEquals(List.of("W1 (0x22)", "W2 (0x33)"), new DataOracle(s).check(h).get(0).allowed());
    }

    @Test
    void aWriteThatCompletedBeforeAnotherBeganCannotComeBack() {
        ExploreSetup s = setup("", "aio_write -P 0x22 0 64k\naio_flush\naio_write -P 0x33 0 64k\naio_flush\n");
        Hand h = new Hand(s).req(1, 1, 4).req(2, 6, 9);
        h.end = image("write -P 0x22 0 64k\n");
        assertEquals("final image: guest 0x0+65536 holds 0x22, allowed W2 (0x33)",
                new DataOracle(s).check(h).get(0).toString());
    }

    @Test
    void aReadInFlightWithAWriteMayReturnOldOrNewButNothingElse() {
        ExploreSetup s = setup("write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\nread 0 64k\naio_flush\n");
        DataOracle o = new DataOracle(s);
        Hand h = new Hand(s).req(1, 1, 9).req(2, 3, 6);
        h.end = image("write -P 0x22 0 64k\n");
        for (int v : new int[] {0x11, 0x22}) {
            h.reads.put(2, filled(v));
            assertEquals(List.of(), o.check(h), "read " + v);
        }
        h.reads.put(2, filled(0x33));
        List<Drift> d = o.check(h);
        assertEquals("read R2: guest 0x0+65536 holds 0x33, allowed initial content or W1 (0x22)", d.get(0).toString());
    }

    @Test
    void aReadAfterACompletedWriteMustSeeIt() {
        ExploreSetup s = setup("write -P 0x11 0 64k\n", "aio_write -P 0x22 0 64k\naio_flush\nread 0 64k\n");
        Hand h = new Hand(s).req(1, 1, 4).req(2, 6, 8);
        h.end = image("write -P 0x22 0 64k\n");
        h.reads.put(2, filled(0x11));
        assertEquals("read R2", new DataOracle(s).check(h).get(0).where());
    }

    @Test
    void aTornWriteIsAcceptedPerSectorButForeignBytesAreNot() {
        ExploreSetup s = setup("", "aio_write -P 0x22 0 64k\naio_write -P 0x33 0 64k\naio_flush\n");
        Hand h = new Hand(s).req(1, 1, 8).req(2, 3, 6);
        h.end = image("write -P 0x22 0 32k\nwrite -P 0x33 32k 32k\n");
        assertEquals(List.of(), new DataOracle(s).check(h));
        h.end = image("write -P 0x22 0 32k\nwrite -P 0x44 32k 32k\n");
        assertEquals(List.of(new Drift("final image", 32768, 32768, "0x44", List.of("W1 (0x22)", "W2 (0x33)"))),
                new DataOracle(s).check(h));
    }

    @Test
    void dataWrittenToAnotherGuestsClusterIsCrossTalkThatCheckCannotSee() {
        Exploration x = Qcow2Scenarios.explore(Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false), true);
        assertEquals(0, x.corruptEndStates(), "qemu-img check stays clean");
        assertTrue(x.driftEndStates() > 0);
        Drift d = x.endStates().values().stream().filter(e -> !e.verdict().drifts().isEmpty()).findFirst()
                .orElseThrow().verdict().drifts().get(0);
        assertEquals("final image: guest 0x10000+65536 holds 0x22, allowed W3 (0x33)", d.toString());
    }
}
