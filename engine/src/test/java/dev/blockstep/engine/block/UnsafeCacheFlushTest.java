package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * cache=unsafe (qemu-io -t unsafe) sets BDRV_O_NO_FLUSH: bdrv_co_flush still writes qcow2's caches to the file but
 * never syncs the host file; with writeback the same flushes sync it. The image bytes are the same either way.
 */
class UnsafeCacheFlushTest {
    private static final String SCRIPT = "write -P 1 0 64k\nflush\nwrite -P 2 64k 64k\naio_write -P 3 128k 4k\n"
            + "aio_flush\nflush\n";

    /** Each step as "name: narration", and the image at the end. */
    private record Run(List<String> names, byte[] image) {
    }

    private static Run run(NodeOptions.Cache cache) throws Exception {
        Engine e = new Engine(new Workload(Images.fresh16M(), "img",
                CommandSource.of(QemuIoParser.parseScript(SCRIPT, "test")), FixVariant.NONE, Policies::fifo,
                BlockStack.of(null, new NodeOptions(null, null, cache))));
        List<String> names = new ArrayList<>();
        Step s;
        while ((s = e.step()) != null) {
            names.add(s.name() + ": " + s.narration());
        }
        assertTrue(e.finished());
        return new Run(names, e.file().read(0, (int) e.file().length()));
    }

    private static long count(Run r, String text) {
        return r.names().stream().filter(n -> n.contains(text)).count();
    }

    @Test
    void unsafeFlushesWriteTheCachesButNeverSyncTheFile() throws Exception {
        Run unsafe = run(NodeOptions.Cache.UNSAFE);
        Run writeback = run(NodeOptions.Cache.WRITEBACK);
        assertEquals(2, count(unsafe, "qcow2_co_flush_to_os: "), unsafe.names().toString());
        // the host file's fdatasync: under writeback for each flush (and for qcow2's cache dependencies), never
        // under unsafe, where each flush says it skipped one
        assertTrue(count(writeback, "fdatasync in the thread pool") >= 2, writeback.names().toString());
        assertEquals(0, count(unsafe, "fdatasync in the thread pool"), unsafe.names().toString());
        assertTrue(count(unsafe, "skips the fdatasync") >= 2, unsafe.names().toString());
        assertArrayEquals(writeback.image(), unsafe.image());
    }
}
