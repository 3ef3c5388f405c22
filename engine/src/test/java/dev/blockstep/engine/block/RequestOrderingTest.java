package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestOrderingTest {
    private static final long CS = 65536;

    private static QemuIoCommand aioWrite(long off) {
        return new QemuIoCommand.AioWrite(off, CS, 0x22, false, false, false);
    }

    private static QemuIoCommand aioZeroUnmap(long off) {
        return new QemuIoCommand.AioWrite(off, CS, 0, true, true, false);
    }

    private record Run(Scheduler s, BlockNode node, FakeDriver d) { }

    private static Run run(boolean fix, List<QemuIoCommand> cmds) {
        FakeDriver d = new FakeDriver();
        BlockNode node = new BlockNode(d, fix);
        Scheduler s = new Scheduler(Policies.fifo());
        s.spawn(new QemuIoMain(node, cmds));
        return new Run(s, node, d);
    }

    /** Steps until the coroutine {@code id} has dropped s->lock for its data I/O. */
    private static void stepUntilInDataIo(Run r, int id) {
        while (r.s().coroutines().size() <= id || r.s().coroutine(id).state() != CoState.IN_DATA_IO) {
            r.s().step();
        }
    }

    @Test
    void withoutTheFixTheZeroWriteRunsWhileTheWriterHasDroppedTheLock() {
        Run r = run(false, List.of(aioWrite(0), aioZeroUnmap(0), new QemuIoCommand.AioFlush()));
        while (r.s().step() != null) {
            // run to the end
        }
        // FIFO runs W to its data I/O, then Z zeroes before W links: the order of the race.
        assertEquals(List.of("alloc 0", "zero 0 unmap", "data 327680", "link 0"), r.d().log);
    }

    @Test
    void withTheFixTheZeroWriteWaitsForTheWriterToEnd() {
        Run r = run(true, List.of(aioWrite(0), aioZeroUnmap(0), new QemuIoCommand.AioFlush()));
        stepUntilInDataIo(r, 1);
        while (r.s().coroutines().size() < 3) {
            r.s().step();
        }
        var z = (ZeroWriteRequest) r.s().coroutine(2);
        while (z.state() == CoState.RUNNABLE) {
            r.s().step();
        }
        assertEquals(CoState.WAITING_TRACKED_REQUEST, z.state());
        assertTrue(z.serialising());
        assertEquals(1, z.tracked().waitingFor().id());
        while (r.s().step() != null) {
            // run to the end
        }
        assertEquals(List.of("alloc 0", "data 327680", "link 0", "zero 0 unmap"), r.d().log);
    }

    @Test
    void aFlipAppliesOnlyToRequestsThatBeginAfterIt() {
        Run r = run(false, List.of(aioZeroUnmap(0), aioZeroUnmap(CS), new QemuIoCommand.AioFlush()));
        r.s().step(); // qemu-io submits Z1
        r.s().step(); // Z1 begins
        r.node().setFix(true);
        while (r.s().coroutines().size() < 3 || ((ZeroWriteRequest) r.s().coroutine(2)).tracked() == null) {
            r.s().step();
        }
        assertFalse(((ZeroWriteRequest) r.s().coroutine(1)).serialising());
        assertTrue(((ZeroWriteRequest) r.s().coroutine(2)).serialising());
    }

    @Test
    void plainWritesStayNonSerialisingWithTheFixOn() {
        Run r = run(true, List.of(aioWrite(0), aioWrite(0), new QemuIoCommand.AioFlush()));
        while (r.s().step() != null) {
            assertFalse(r.s().coroutines().stream().anyMatch(
                    c -> c instanceof WriteRequest w && w.serialising()));
        }
    }

    @Test
    void everyRequestFinishesAndQemuIoCloses() {
        Run r = run(false, List.of(aioWrite(0), aioZeroUnmap(0), new QemuIoCommand.Discard(0, CS, false),
                new QemuIoCommand.Read(0, CS, java.util.OptionalInt.empty(), false), new QemuIoCommand.Flush()));
        while (r.s().step() != null) {
            // run to the end
        }
        r.s().coroutines().forEach(c -> assertEquals(CoState.DONE, c.state(), c.toString()));
    }
}
