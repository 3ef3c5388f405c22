package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingImage;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.qcow2.format.BackingFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read of clusters unallocated in the top image goes to the backing child as a request of its own
 * (qcow2_co_preadv_task → bdrv_co_preadv_part on bs->backing), which yields for its I/O: stepping shows it.
 */
class BackingReadStepsTest {
    private static final int CS = 65536;

    /** base: 0x11 over guest [0, 128k); top: empty over base, then 0x22 written at [64k, 128k). */
    private static Engine engine(String script, long seed) throws Exception {
        HostFile base = Images.run(Images.fresh16M(),
                new dev.blockstep.trace.qemuio.QemuIoCommand.Write(0, 2 * CS, 0x11, false, false, false));
        BackingImage chain = new BackingImage.Qcow2(Qcow2Driver.open(base, "base.qcow2", EngineEventSink.NONE));
        HostFile top = Qcow2Create.create(16 << 20, CS, new BackingFile("base.qcow2", "qcow2"));
        return new Engine(new Workload(top, "top.qcow2", CommandSource.of(QemuIoParser.parseScript(script, "test")),
                FixVariant.NONE, () -> Policies.seededRandom(seed), BlockStack.QEMU_IO, chain));
    }

    private static List<Step> run(Engine e) {
        List<Step> steps = new ArrayList<>();
        Step s;
        while ((s = e.step()) != null) {
            steps.add(s);
        }
        assertTrue(e.finished());
        return steps;
    }

    private static ReadRequest readOf(Engine e, List<Step> steps) {
        int co = steps.stream().filter(s -> s.name().equals("qcow2_co_preadv_part")).findFirst().orElseThrow()
                .coroutine();
        return (ReadRequest) e.scheduler().coroutine(co);
    }

    private static List<String> namesOf(ReadRequest r, List<Step> steps) {
        return steps.stream().filter(s -> s.coroutine() == r.id()).map(Step::name).toList();
    }

    @Test
    void eachRunUnallocatedInTheTopIsReadThroughTheBackingChildAsItsOwnSubmitAndCompletion() throws Exception {
        Engine e = engine("write -P 0x22 64k 64k\nread 0 192k\n", 0);
        List<Step> steps = run(e);
        ReadRequest r = readOf(e, steps);
        assertEquals(List.of("bdrv_co_preadv_part", "bdrv_wait_serialising_requests", "qemu_co_mutex_lock",
                "qcow2_co_preadv_part", "thread_pool_complete",
                "bdrv_co_preadv_part", "thread_pool_complete",
                "bdrv_co_preadv_part", "thread_pool_complete", "tracked_request_end"), namesOf(r, steps));
        List<long[]> backingSteps = steps.stream().filter(s -> s.coroutine() == r.id()
                && s.name().equals("bdrv_co_preadv_part") && s.narration().contains("backing child base.qcow2"))
                .map(s -> new long[] {s.guestOffset(), s.guestBytes()}).toList();
        assertEquals(2, backingSteps.size());
        assertArrayEquals(new long[] {0, CS}, backingSteps.get(0));
        assertArrayEquals(new long[] {2 * CS, CS}, backingSteps.get(1));

        byte[] want = new byte[3 * CS];
        Arrays.fill(want, 0, 2 * CS, (byte) 0x11);
        Arrays.fill(want, CS, 2 * CS, (byte) 0x22);
        assertArrayEquals(want, r.data());
    }

    @Test
    void aReadWhollyInTheBackingImageGoesStraightFromTheLookupToTheBackingChild() throws Exception {
        Engine e = engine("read -P 0x11 0 64k\n", 0);
        List<Step> steps = run(e);
        ReadRequest r = readOf(e, steps);
        List<String> names = steps.stream().filter(s -> s.coroutine() == r.id()).map(Step::name).toList();
        assertEquals(List.of("bdrv_co_preadv_part", "bdrv_wait_serialising_requests", "qemu_co_mutex_lock",
                "qcow2_co_preadv_part", "bdrv_co_preadv_part", "thread_pool_complete", "tracked_request_end"), namesOf(r, steps));
        assertTrue(e.node().stderrLines().isEmpty(), e.node().stderrLines().toString());
    }

    @Test
    void anotherCoroutineCanRunWhileTheBackingReadIsInFlight() throws Exception {
        boolean interleaved = false;
        for (long seed = 0; seed < 20 && !interleaved; seed++) {
            Engine e = engine("aio_write -P 0x33 1M 64k\nread 0 64k\naio_flush\n", seed);
            List<Step> steps = run(e);
            ReadRequest r = readOf(e, steps);
            for (int i = 0; i + 1 < steps.size(); i++) {
                Step s = steps.get(i);
                if (s.coroutine() == r.id() && s.name().equals("bdrv_co_preadv_part") && s.narration().contains("backing")) {
                    interleaved |= steps.get(i + 1).coroutine() != r.id();
                }
            }
        }
        assertTrue(interleaved, "no seed ran another coroutine between the backing read's submit and completion");
    }
}
