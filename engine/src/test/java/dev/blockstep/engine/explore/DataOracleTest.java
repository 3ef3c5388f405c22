package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.block.DriverOps;
import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEvent;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.DriverFactory;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The data oracle on hand-made cases: honest drivers never drift, lying ones are caught with the right names. */
class DataOracleTest {

    /** The toy driver, except that data writes of one pattern byte never land. */
    private static DriverFactory dropping(int pattern) {
        return f -> new ForwardingDriver(new ToyQcow2(f)) {
            @Override
            public void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev) {
                if ((data[dataOffset] & 0xff) != pattern) {
                    super.writeData(hostOffset, data, dataOffset, len, ev);
                }
            }
        };
    }

    private static ExploreSetup setup(DriverFactory d, String setup, String cmds) {
        HostFile base = SetupRunner.run(new HostFile(), ToyScenarios.TOY, ToyScenarios.parse(setup));
        return ExploreSetup.guestOnly("oracle", base, d, ToyScenarios.parse(cmds), false);
    }

    private static List<Drift> fifo(ExploreSetup s) {
        Run r = RandomSearch.runOnce(s, Policies.fifo());
        return new DataOracle(s).check(r);
    }

    @Test
    void serialWritesThenAReadAreClean() {
        assertEquals(List.of(), fifo(setup(ToyScenarios.TOY, "", "write -P 0x22 0 64k\nwrite -P 0x33 0 4k\nread 0 64k\n")));
    }

    @Test
    void aWriteThatNeverLandsIsFlaggedInTheReadAndTheFinalImage() {
        List<Drift> d = fifo(setup(dropping(0x22), "write -P 0x11 0 64k\n", "write -P 0x22 0 64k\nread 0 64k\n"));
        assertEquals(2, d.size(), d.toString());
        assertEquals("read R2: guest 0x0+65536 holds 0x11, allowed W1 (0x22)", d.get(0).toString());
        assertEquals("final image: guest 0x0+65536 holds 0x11, allowed W1 (0x22)", d.get(1).toString());
    }

    @Test
    void overlappingWritesInFlightTogetherMayEndEitherWay() {
        // In-place overwrites of an allocated cluster: the two data writes may land in either order.
        ExploreSetup s = setup(ToyScenarios.TOY, "write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -P 0x33 0 64k\naio_flush\n");
        Exploration x = new Explorer(s, new Judge(s, ToyScenarios.TOY_CHECK), false, 1_000_000, 10).run();
        assertEquals(0, x.driftEndStates());
        assertTrue(x.endStates().size() >= 2, "both orders reached");
    }

    @Test
    void aReadInFlightWithAWriteMayReturnOldOrNewButNotSomethingElse() {
        ExploreSetup honest = setup(ToyScenarios.TOY, "write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\nread 0 64k\naio_flush\n");
        Exploration x = new Explorer(honest, new Judge(honest, ToyScenarios.TOY_CHECK), false, 1_000_000, 10).run();
        assertEquals(0, x.driftEndStates());
        ExploreSetup lying = setup(dropping(0x22), "write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_flush\nread 0 64k\n");
        List<Drift> d = fifo(lying);
        assertEquals("read R2", d.get(0).where());
    }

    @Test
    void aWriteCompletedBeforeAnotherBeganCannotComeBack() {
        ExploreSetup s = setup(ToyScenarios.TOY, "", "write -P 0x22 0 64k\nwrite -P 0x33 0 64k\n");
        Run r = RandomSearch.runOnce(s, Policies.fifo());
        assertEquals(List.of(), new DataOracle(s).check(r));
        ExploreSetup lying = setup(dropping(0x33), "", "write -P 0x22 0 64k\nwrite -P 0x33 0 64k\n");
        List<Drift> d = fifo(lying);
        assertEquals("final image: guest 0x0+65536 holds 0x22, allowed W2 (0x33)", d.get(0).toString());
    }

    @Test
    void dataWrittenToAnotherGuestsClusterIsCrossTalk() {
        Exploration x = Qcow2Scenarios.explore(Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false), true);
        assertEquals(0, x.corruptEndStates(), "qemu-img check stays clean");
        assertTrue(x.driftEndStates() > 0);
        Drift d = x.endStates().values().stream().filter(e -> !e.verdict().drifts().isEmpty()).findFirst()
                .orElseThrow().verdict().drifts().get(0);
        assertEquals("final image: guest 0x10000+65536 holds 0x22, allowed W3 (0x33)", d.toString());
    }

    /** Delegates every call to another driver. */
    private static class ForwardingDriver implements DriverOps {
        private final DriverOps d;

        ForwardingDriver(DriverOps d) {
            this.d = d;
        }

        @Override
        public int clusterSize() {
            return d.clusterSize();
        }

        @Override
        public long virtualSize() {
            return d.virtualSize();
        }

        @Override
        public Alloc allocHostOffset(long offset, long bytes, Consumer<EngineEvent> ev) {
            return d.allocHostOffset(offset, bytes, ev);
        }

        @Override
        public void writeData(long hostOffset, byte[] data, int dataOffset, int len, Consumer<EngineEvent> ev) {
            d.writeData(hostOffset, data, dataOffset, len, ev);
        }

        @Override
        public boolean needsCow(L2Meta meta) {
            return d.needsCow(meta);
        }

        @Override
        public void performCow(L2Meta meta, Consumer<EngineEvent> ev) {
            d.performCow(meta, ev);
        }

        @Override
        public void linkL2(L2Meta meta, Consumer<EngineEvent> ev) {
            d.linkL2(meta, ev);
        }

        @Override
        public boolean zeroize(long offset, long bytes, boolean mayUnmap, Consumer<EngineEvent> ev) {
            return d.zeroize(offset, bytes, mayUnmap, ev);
        }

        @Override
        public boolean canZeroPartial(long offset, long bytes) {
            return d.canZeroPartial(offset, bytes);
        }

        @Override
        public void discard(long offset, long bytes, Consumer<EngineEvent> ev) {
            d.discard(offset, bytes, ev);
        }

        @Override
        public void flushToOs(Consumer<EngineEvent> ev) {
            d.flushToOs(ev);
        }

        @Override
        public long[] hostOffsetForRead(long offset, long bytes) {
            return d.hostOffsetForRead(offset, bytes);
        }

        @Override
        public void readData(long guestOffset, long hostOffset, byte[] dst, int dstOffset, int len) {
            d.readData(guestOffset, hostOffset, dst, dstOffset, len);
        }
    }
}
