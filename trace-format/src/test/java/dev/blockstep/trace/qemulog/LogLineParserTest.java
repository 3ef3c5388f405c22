package dev.blockstep.trace.qemulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.trace.importer.ImportException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogLineParserTest {

    @Test
    void aMutexEventGivesItsMutexAndCoroutine() throws Exception {
        LogLine l = LogLineParser.parse("qemu_co_mutex_lock_entry mutex 0x55e047d10820 self 0x55e047d111f0", "x.log",
                7);
        assertEquals(Map.of("mutex", "0x55e047d10820", "self", "0x55e047d111f0"), l.fields());
        assertEquals("0x55e047d111f0", l.ownCoroutine());
    }

    @Test
    void qcow2AddTaskWithItsColonSeparatedOperationParses() throws Exception {
        LogLine l = LogLineParser.parse("qcow2_add_task co 0x55e047d10f90 bs 0x55e047d03cb0 pool (nil): write: "
                + "cluster_type 0 file_cluster_offset 327680 offset 0 bytes 65536 qiov 0x55d131c4ad18 qiov_offset 0",
                "x.log", 1);
        assertEquals("write", l.field("op"));
        assertEquals("327680", l.field("file_cluster_offset"));
    }

    @Test
    void aQemuStderrMessageAmongTheEventsIsKept() throws Exception {
        LogLine l = LogLineParser.parse("qcow2_free_clusters failed: Invalid argument", "x.log", 3);
        assertEquals(LogLine.STDERR, l.event());
    }

    @Test
    void eventsOfOtherFamiliesAreKeptAsUnusedLines() throws Exception {
        LogLine l = LogLineParser.parse("blk_co_pwritev blk 0x1 bs 0x2 offset 0 bytes 512 flags 0x6", "x.log", 4);
        assertEquals(LogLine.Kind.OTHER, l.kind());
        assertEquals("blk_co_pwritev", l.event());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "qcow2_handle_copied co 0x55 guest_offset 0x0|x.log:4: expected qcow2_handle_copied co <v> guest_offset <v> "
            + "host_offset <v> bytes <v>, got \"qcow2_handle_copied co 0x55 guest_offset 0x0\"",
        "qemu_co_mutex_lock_entry mutex 0x55 self zz|x.log:4: expected qemu_co_mutex_lock_entry mutex <v> self <v>, "
            + "got \"qemu_co_mutex_lock_entry mutex 0x55 self zz\"",
        "qemu_co_mutex_lock_entry self 0x55 mutex 0x66|x.log:4: expected qemu_co_mutex_lock_entry mutex <v> self <v>, "
            + "got \"qemu_co_mutex_lock_entry self 0x55 mutex 0x66\"",
        "qcow2_writev_start_r|x.log:4: unknown trace event \"qcow2_writev_start_r\" "
            + "(expected a qcow2_*, qemu_co_mutex*, bdrv_co_* or thread_pool_* event of qemu 7.2)",
        "Hello, world|x.log:4: expected \"<trace event> <args>\" or a qemu stderr message, got \"Hello, world\"",
        "qcow2_add_task co 0x1 bs 0x2 pool (nil) write|x.log:4: expected qcow2_add_task \"co %p bs %p pool %p: %s: "
            + "cluster_type %d file_cluster_offset %lu offset %lu bytes %lu qiov %p qiov_offset %zu\", got "
            + "\"qcow2_add_task co 0x1 bs 0x2 pool (nil) write\"",
        "bdrv_co_pwritev_part bs 0x1 offset 0 bytes 512 flags 0x10 extra 1|x.log:4: expected bdrv_co_pwritev_part bs "
            + "<v> offset <v> bytes <v> flags <v>, got \"bdrv_co_pwritev_part bs 0x1 offset 0 bytes 512 flags 0x10 "
            + "extra 1\"",
    })
    void aMalformedLineIsOneErrorNamingFileAndLine(String line, String expected) {
        ImportException e = assertThrows(ImportException.class, () -> LogLineParser.parse(line, "x.log", 4));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void anEmptyLogIsRejected() {
        ImportException e = assertThrows(ImportException.class, () -> QemuLogImporter.parseLines("\n\n", "e.log"));
        assertEquals("e.log:1: expected qemu trace events, got an empty log", e.getMessage());
    }
}
