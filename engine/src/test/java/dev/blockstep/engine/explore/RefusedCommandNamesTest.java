package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.TraceImages;
import dev.blockstep.engine.trace.TraceReplay;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.ScheduleEntry;
import dev.blockstep.trace.Trace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A request qemu-io refuses (past the end of the 16 MiB disk) runs in no coroutine and takes no name, so the
 * zero-write after it is the engine's Z2 everywhere: in the oracle's verdict and in an exported trace.
 */
class RefusedCommandNamesTest {

    /** Guest cluster 1 holds 0x11; W1 writes cluster 0, the second command is refused, Z2 zeroes cluster 1. */
    private static ExploreSetup setup() {
        return Qcow2Scenarios.setup("write -P 0x11 64k 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -P 0x44 32M 64k\naio_write -z -u 64k 64k\naio_flush\n", false);
    }

    private static Run fifo(ExploreSetup s) {
        return RandomSearch.runOnce(s, Policies.fifo());
    }

    @Test
    void theOracleCreditsTheZeroWriteAfterARefusedRequestWithItsZeros() {
        ExploreSetup s = setup();
        assertEquals(List.of(), new DataOracle(s).check(fifo(s)));
    }

    @Test
    void theOracleNamesTheZeroWriteAsTheEngineDoes() {
        ExploreSetup s = setup();
        Run run = fifo(s);
        // The same run, but the zero-write left cluster 1 alone: the oracle must say Z2 was allowed there.
        History unzeroed = new History() {
            @Override
            public dev.blockstep.engine.block.CommandMap commands() {
                return run.commands();
            }

            @Override
            public Long beganAt(int co) {
                return run.beganAt(co);
            }

            @Override
            public Long endedAt(int co) {
                return run.endedAt(co);
            }

            @Override
            public byte[] readResult(int co) {
                return run.readResult(co);
            }

            @Override
            public dev.blockstep.engine.image.HostFile finalImage() {
                return SetupRunner.run(Qcow2Scenarios.fresh(), "t",
                        Qcow2Scenarios.parse("write -P 0x22 0 64k\nwrite -P 0x11 64k 64k\n"));
            }
        };
        assertEquals("final image: guest 0x10000+65536 holds 0x11, allowed Z2 (zeros)",
                new DataOracle(s).check(unzeroed).get(0).toString());
    }

    @Test
    void anExportedRunNamesTheZeroWriteZ2AndReplays() throws Exception {
        ExploreSetup s = setup();
        Run run = fifo(s);
        Counterexample c = Counterexample.of(run, new Judge(s, new QemuImgCheck()).judge(run));
        ImageSetup image = new ImageSetup.Fresh(16 << 20, 65536,
                List.of(new Command.Write(false, null, Producer.GUEST, 65536, 65536, 0x11, false, false, false)));
        Trace t = TraceExport.of(s, image, c, "refused", "fifo", null);
        assertEquals(Arrays.asList("W1", "refused2", "Z2", null), t.workload().stream().map(Command::coroutine).toList());
        TreeSet<String> zeroing = new TreeSet<>();
        for (ScheduleEntry e : t.schedule()) {
            if (e.step().equals("qcow2_pwrite_zeroes")) {
                zeroing.add(e.chosen());
            }
        }
        assertEquals(new TreeSet<>(List.of("Z2")), zeroing);
        EngineSession replayed = TraceReplay.replay(t, Path.of("."), "refused.json");
        assertEquals(TraceImages.sha256(run.engine().file()), TraceImages.sha256(replayed.engine().file()));
        assertTrue(replayed.current().finished());
    }
}
