package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class StepNamingTest {
    /** qemu trace-event or function names, and qemu-io's commands for the main loop. */
    private static final Set<String> KNOWN = Set.of("bdrv_co_pwritev_part", "bdrv_co_write_req_prepare",
            "qcow2_writev_start_req", "qcow2_writev_start_part", "qemu_co_mutex_lock_entry", "qemu_co_mutex_lock",
            "qcow2_handle_copied", "qcow2_handle_alloc", "handle_dependencies", "qcow2_writev_data", "qcow2_add_task",
            "thread_pool_complete", "qcow2_cluster_link_l2", "qcow2_alloc_cluster_link_l2", "qcow2_handle_l2meta",
            "qcow2_writev_done_part", "qcow2_writev_done_req", "bdrv_co_flush", "qcow2_co_flush_to_os", "qcow2_cache_entry_flush",
            "bdrv_co_flush (file)", "tracked_request_end", "qcow2_pwrite_zeroes_start_req", "qcow2_pwrite_zeroes",
            "qcow2_co_block_status",
            "qemu_co_mutex_unlock", "bdrv_co_pdiscard", "qcow2_co_pdiscard", "qcow2_cluster_discard",
            "qcow2_process_discards",
            "request_failed", "bdrv_co_preadv_part", "bdrv_wait_serialising_requests", "qcow2_co_preadv_part", "aio_write",
            "aio_flush", "write", "read", "discard", "flush", "quit");

    @Test
    void everyStepHasAKnownStableNameAndOneSentenceOfNarration() throws Exception {
        String script = String.join("\n", "write -P 0x11 0 64k", "write -z 0 64k", "aio_write -P 0x22 0 64k",
                "aio_write -z -u 0 64k", "aio_write -P 0x33 0 64k", "aio_write -P 0x44 4k 4k", "aio_write -z 70k 4k",
                "aio_write -z -u 128k 64k", "aio_flush", "discard 0 192k", "read -P 0 0 64k", "flush",
                "aio_write -P 5 1M 64k", "aio_write -P 6 1M 64k", "aio_flush") + "\n";
        var cmds = QemuIoParser.parseScript(script, "test");
        Set<String> seen = new TreeSet<>();
        for (long seed = 0; seed < 10; seed++) {
            for (boolean fix : new boolean[] {false, true}) {
                long sd = seed;
                Engine e = new Engine(new Workload(Images.fresh16M(), "img", cmds, FixVariant.of(fix), () -> Policies.seededRandom(sd)));
                Step s;
                while ((s = e.step()) != null) {
                    seen.add(s.name());
                    assertTrue(KNOWN.contains(s.name()), "unknown step name " + s.name());
                    assertTrue(s.narration().endsWith(".") && !s.narration().isBlank(),
                            s.name() + ": narration \"" + s.narration() + "\"");
                }
                assertTrue(e.finished(), "seed " + seed + " fix " + fix);
            }
        }
        assertTrue(seen.contains("qcow2_writev_data") && seen.contains("qcow2_cluster_link_l2")
                && seen.contains("handle_dependencies") && seen.contains("qcow2_process_discards") && seen.contains("qemu_co_mutex_lock_entry"), seen.toString());
    }

    @Test
    void aQuietCommandPrintsNothing() {
        Engine e = new Engine(new Workload(Images.fresh16M(), "img",
                java.util.List.of(new QemuIoCommand.Write(0, 512, 1, false, false, true)), FixVariant.NONE, Policies::fifo));
        e.runToEnd();
        assertEquals(java.util.List.of(), e.node().stdoutLines());
    }
}
