package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.CoState;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestOrderingTest {
    private static final long CS = Images.CS;

    private static QemuIoCommand aioWrite(long off) {
        return new QemuIoCommand.AioWrite(off, CS, 0x22, false, false, false);
    }

    private static QemuIoCommand aioZeroUnmap(long off) {
        return new QemuIoCommand.AioWrite(off, CS, 0, true, true, false);
    }

    private static Engine engine(HostFile img, boolean fix, List<QemuIoCommand> cmds) {
        return new Engine(new Workload(img, "img", cmds, FixVariant.of(fix), Policies::fifo));
    }

    private static long l2(ImageView v, long guestCluster) {
        return v.l2().stream().filter(r -> r.guestCluster() == guestCluster).findFirst()
                .map(r -> r.entry().raw()).orElse(0L);
    }

    private static HostClusterRow host(ImageView v, long cluster) {
        return v.hostClusters().stream().filter(r -> r.hostCluster() == cluster).findFirst().orElseThrow();
    }

    @Test
    void withoutTheFixTheWriterRelinksTheClusterTheZeroWriteFreed() {
        Engine e = engine(Images.zeroAllocAtZero(), false,
                List.of(aioWrite(0), aioZeroUnmap(0), new QemuIoCommand.AioFlush()));
        e.runToEnd();
        ImageView v = e.node().driver().imageView();
        assertEquals(0x8000000000050000L, l2(v, 0));
        assertEquals(0, host(v, 5).refcount());
        assertEquals(1, host(v, 5).references());
    }

    @Test
    void withTheFixTheZeroWriteWaitsForTheWriterAndTheImageStaysConsistent() {
        Engine e = engine(Images.zeroAllocAtZero(), true,
                List.of(aioWrite(0), aioZeroUnmap(0), new QemuIoCommand.AioFlush()));
        boolean sawWait = false;
        while (e.step() != null) {
            if (e.scheduler().coroutines().size() > 2) {
                var z = (ZeroWriteRequest) e.scheduler().coroutine(2);
                if (z.state() == CoState.WAITING_TRACKED_REQUEST) {
                    sawWait = true;
                    assertEquals(((WriteRequest) e.scheduler().coroutine(1)).tracked(), z.tracked().waitingFor());
                }
            }
        }
        assertTrue(sawWait, "Z waited on W's tracked request");
        ImageView v = e.node().driver().imageView();
        assertEquals(0x1L, l2(v, 0));
        assertTrue(v.hostClusters().stream().noneMatch(r -> r.refcount() != r.references()));
    }

    @Test
    void aFlipAppliesOnlyToRequestsThatBeginAfterIt() {
        Engine e = engine(Images.fresh16M(), false,
                List.of(aioZeroUnmap(0), aioZeroUnmap(CS), new QemuIoCommand.AioFlush()));
        e.step(); // qemu-io submits Z1
        e.step(); // Z1 begins, without the fix
        e.node().setFix(FixVariant.PATCH);
        while (e.scheduler().coroutines().size() < 3 || ((ZeroWriteRequest) e.scheduler().coroutine(2)).tracked() == null) {
            e.step();
        }
        assertFalse(((ZeroWriteRequest) e.scheduler().coroutine(1)).serialising());
        assertTrue(((ZeroWriteRequest) e.scheduler().coroutine(2)).serialising());
    }

    @Test
    void plainWritesStayNonSerialisingWithTheFixOn() {
        Engine e = engine(Images.fresh16M(), true, List.of(aioWrite(0), aioWrite(0), new QemuIoCommand.AioFlush()));
        while (e.step() != null) {
            assertFalse(e.scheduler().coroutines().stream().anyMatch(c -> c instanceof WriteRequest w && w.serialising()));
        }
    }

    @Test
    void twoWritersAllocatingTheSameClusterWaitOnEachOthersAllocation() {
        Engine e = engine(Images.fresh16M(), false, List.of(aioWrite(0), aioWrite(0), new QemuIoCommand.AioFlush()));
        boolean sawDependency = false;
        while (e.step() != null) {
            sawDependency |= e.scheduler().coroutines().stream().anyMatch(c -> c.state() == CoState.WAITING_DEPENDENCY);
        }
        assertTrue(sawDependency);
        assertTrue(e.finished());
    }

    @Test
    void aSynchronousReadSeesTheSynchronousWriteBeforeIt() {
        Engine e = engine(Images.fresh16M(), false, List.of(new QemuIoCommand.Write(4096, 8192, 0x5a, false, false, false),
                new QemuIoCommand.Read(4096, 8192, java.util.OptionalInt.of(0x5a), false)));
        e.runToEnd();
        assertEquals(List.of("wrote 8192/8192 bytes at offset 4096", "read 8192/8192 bytes at offset 4096"),
                e.node().stdoutLines());
    }

    @Test
    void everyRequestFinishesAndQemuIoCloses() {
        Engine e = engine(Images.fresh16M(), false, List.of(aioWrite(0), aioZeroUnmap(0),
                new QemuIoCommand.Discard(0, CS, false),
                new QemuIoCommand.Read(0, CS, java.util.OptionalInt.of(0), false), new QemuIoCommand.Flush()));
        e.runToEnd();
        e.scheduler().coroutines().forEach(c -> assertEquals(CoState.DONE, c.state(), c.toString()));
        assertTrue(e.node().stdoutLines().contains("read 65536/65536 bytes at offset 0"), e.node().stdoutLines().toString());

    }
}
