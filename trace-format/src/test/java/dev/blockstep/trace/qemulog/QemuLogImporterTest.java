package dev.blockstep.trace.qemulog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.QemuEvent;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.ImportException;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Imports the logs captured from real qemu-io 7.2 (see captured/README.md) and checks them against their scripts. */
class QemuLogImporterTest {

    static final ImageSetup IMAGE = new ImageSetup.Fresh(16 << 20, 65536, List.of());

    static String resource(String name) throws IOException {
        try (InputStream in = QemuLogImporterTest.class.getResourceAsStream("/captured/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Trace withScript(String name) throws Exception {
        return QemuLogImporter.importLog(resource(name + ".log"), name + ".log", IMAGE,
                QemuIoScriptImporter.parse(resource(name + ".qemu-io"), name + ".qemu-io"), name + ".qemu-io");
    }

    static Trace alone(String name) throws Exception {
        return QemuLogImporter.importLog(resource(name + ".log"), name + ".log", IMAGE, null, null);
    }

    static List<QemuEvent> events(Trace t, String co, String event) {
        return t.qemuLog().events().stream().filter(e -> co.equals(e.coroutine()) && e.event().equals(event)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"r1", "r2", "serial-write-read", "serial-zero-discard", "serial-fua", "rand-stdin", "serial-read-only"})
    void aCapturedLogImportedWithItsScriptHasTheScriptsWorkload(String name) throws Exception {
        Trace script = QemuIoScriptImporter.importScript(resource(name + ".qemu-io"), name + ".qemu-io", IMAGE);
        assertEquals(script.workload(), withScript(name).workload());
    }

    @ParameterizedTest
    @ValueSource(strings = {"r1", "r2", "serial-write-read", "serial-fua", "rand-stdin", "serial-read-only"})
    void theLogAloneFindsEveryRequestsKindRangeAndZeroFlags(String name) throws Exception {
        List<Command> fromScript = QemuIoScriptImporter.importScript(resource(name + ".qemu-io"), name, IMAGE)
                .workload().stream().filter(c -> !(c instanceof Command.AioFlush)).toList();
        List<Command> fromLog = alone(name).workload().stream().filter(c -> !(c instanceof Command.AioFlush)).toList();
        assertEquals(fromScript.size(), fromLog.size());
        for (int i = 0; i < fromLog.size(); i++) {
            assertEquals(shape(fromScript.get(i)), shape(fromLog.get(i)), name + " request " + i);
        }
    }

    /**
     * What a log alone can show of a command: kind, range and zero flags. Not the pattern, and not the name: the
     * name counts aio_flush commands, which a log cannot place.
     */
    static String shape(Command c) {
        if (c instanceof Command.Write w) {
            return "write " + w.offset() + "+" + w.bytes() + (w.zero() ? " z" : "")
                    + (w.unmap() ? " u" : "");
        }
        if (c instanceof Command.Read r) {
            return "read " + r.offset() + "+" + r.bytes();
        }
        return c.op();
    }

    @Test
    void theR1LogShowsTheWriteZeroesQueuedOnTheLockTheWriterHoldsAndTheRelinkAfterTheFree() throws Exception {
        Trace t = withScript("r1");
        QemuEvent zWaits = events(t, "z1", "qemu_co_mutex_lock_entry").get(0);
        assertEquals("mutex s->lock self z1", zWaits.args());
        QemuEvent wData = events(t, "w0", "qcow2_writev_data").get(0);
        assertEquals("co w0 offset 0x50000", wData.args());
        long zeroes = events(t, "z1", "qcow2_pwrite_zeroes").get(0).line();
        long relink = events(t, "w0", "qcow2_cluster_link_l2").get(0).line();
        assertTrue(wData.line() < zeroes && zeroes < relink, "order " + wData.line() + " " + zeroes + " " + relink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"r1", "r2", "serial-write-read", "serial-zero-discard", "serial-fua", "rand-stdin", "serial-read-only"})
    void everyNonBlankLogLineBecomesOneEventInLogOrder(String name) throws Exception {
        String text = resource(name + ".log");
        long lines = text.lines().filter(l -> !l.isBlank()).count();
        List<QemuEvent> events = withScript(name).qemuLog().events();
        assertEquals(lines, events.size());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).line() < events.get(i).line());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"r1", "r2", "serial-write-read", "serial-zero-discard", "serial-fua", "rand-stdin", "serial-read-only"})
    void anImportedTraceWritesAndReadsBackEqual(String name) throws Exception {
        Trace t = withScript(name);
        String json = TraceWriter.toJson(t);
        assertEquals(t, TraceReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "t.json"));
    }

    @Test
    void theSymbolsNameBothNodesBothReqsLocksAndSLock() throws Exception {
        Trace t = withScript("r1");
        assertEquals(List.of("qcow2", "file", "s->lock", "reqs_lock@file", "reqs_lock@qcow2"),
                t.qemuLog().symbols().keySet().stream().limit(5).toList());
        String log = resource("r1.log");
        // s->lock is the mutex W takes right after qcow2_writev_start_part: line 43 of the capture.
        String line43 = log.lines().skip(42).findFirst().orElseThrow();
        assertEquals(line43.split(" ")[2], t.qemuLog().symbols().get("s->lock"));
    }

    @Test
    void everyRequestAndLandmarkHasAnInferenceSentence() throws Exception {
        List<String> inferred = alone("r1").qemuLog().inferred();
        assertTrue(inferred.stream().anyMatch(s -> s.startsWith("request of co 0x55d131c4adf0 (w0) inferred from "
                + "bdrv_co_pwritev_part flags 0x10 at line 38")), String.join("\n", inferred));
        assertTrue(inferred.stream().anyMatch(s -> s.startsWith("s->lock = mutex 0x55d131c4a700")));
        assertTrue(inferred.stream().anyMatch(s -> s.contains("bdrv_close's flush")));
    }

    @Test
    void aBlockStreamLogImportsTheJobAndKeepsItsRequestsOutOfTheWorkload() throws Exception {
        Trace t = withScript("stream-beside-hmp");
        // stream_start (line 156) comes before the guest's first request: the job starts before any command
        assertEquals(new JobCommand.BlockStream(null, "d0", null, null, 0), t.job());
        // the guest's zero write and discard, then the flush qemu-system makes as it quits (vm_shutdown)
        assertEquals(List.of("z0", "d1", "f2"), t.workload().stream().map(Command::coroutine)
                .filter(java.util.Objects::nonNull).toList());
        assertTrue(t.workload().get(2) instanceof Command.Flush, t.workload().toString());
        // the job's coroutine (0x560affbe46e0) copies guest 64k up: its writev is the prefetch's, its block status
        // (s->lock) the job's own
        assertEquals(1, events(t, "stream.cor", "qcow2_writev_start_req").size());
        assertEquals(0, events(t, "stream", "qcow2_writev_start_req").size());
        assertEquals(3, events(t, "stream", "stream_one_iteration").size());
        assertTrue(t.qemuLog().symbols().get("stream").equals("0x560affbe46e0"), t.qemuLog().symbols().toString());
    }

    @Test
    void aGuestRequestThroughTheStreamsFilterIsOneRequestFromTheFilterOn() throws Exception {
        // the three writes of stream-drops-discard, which all entered the copy-on-read filter (bs 0x55d0018ca100)
        String log = resource("stream-drops-discard.log");
        Trace t = QemuLogImporter.importLog(log, "stream-drops-discard.log", IMAGE, QemuIoScriptImporter.parse(
                "aio_write -z -u 0 64k\naio_write -P 0x44 128k 64k\naio_write -z -u 192k 64k\n", "three.qemu-io"),
                "three.qemu-io");
        assertEquals(List.of("z0", "w1", "z2", "f3"), t.workload().stream().map(Command::coroutine)
                .filter(java.util.Objects::nonNull).toList());
        String filter = t.qemuLog().events().stream().filter(e -> e.line() == 227).findFirst().orElseThrow().args();
        for (String co : List.of("z0", "w1", "z2")) {
            QemuEvent first = t.qemuLog().events().stream().filter(e -> co.equals(e.coroutine())).findFirst()
                    .orElseThrow();
            assertEquals("bdrv_co_pwritev_part", first.event(), co);
            assertEquals(filter.split(" ")[1], first.args().split(" ")[1], co + " starts on the filter");
        }
        // z0 enters the qcow2 node as bdrv_co_pwrite_zeroes (line 230), then bdrv_co_pwritev_part: one request
        assertEquals(List.of(230L), events(t, "z0", "bdrv_co_pwrite_zeroes").stream().map(QemuEvent::line).toList());
    }

    @Test
    void aDiscardTheStreamsFilterDroppedIsTakenFromTheScriptWithoutARequest() throws Exception {
        Trace t = withScript("stream-drops-discard");
        Command.Discard d = (Command.Discard) t.workload().get(3);
        // the log has no event of it: the replay places it by the command before it
        assertTrue(t.qemuLog().events().stream().noneMatch(e -> d.coroutine().equals(e.coroutine())), d.coroutine());
        assertTrue(t.qemuLog().inferred().stream().anyMatch(l -> l.startsWith(d.coroutine() + " (stream-drops-discard"
                + ".qemu-io:4) has no request in the log: the copy-on-read filter (bs 0x55d0018ca100) has no "
                + "BDRV_O_UNMAP")), t.qemuLog().inferred().toString());
    }

    @Test
    void aMissingDiscardWithNoCommandBeforeItInTheJobIsRefusedInOneLine() {
        // the same discard moved to the front of the script: nothing places it while the job ran
        ImportException e = assertThrows(ImportException.class, () -> QemuLogImporter.importLog(
                resource("stream-drops-discard.log"), "stream-drops-discard.log", IMAGE, QemuIoScriptImporter.parse(
                        "discard 64k 64k\n" + resource("stream-drops-discard.qemu-io"), "front.qemu-io"),
                "front.qemu-io"));
        assertEquals("front.qemu-io:1: expected this discard's request in stream-drops-discard.log, found none, and "
                + "the command before it does not exist: only a discard the copy-on-read filter (bs 0x55d0018ca100) "
                + "drops (it has no BDRV_O_UNMAP) leaves no trace event", e.getMessage());
    }

    @Test
    void aMirrorWithoutItsQmpCommandIsRefusedInOneLineAtItsStart() {
        ImportException e = assertThrows(ImportException.class, () -> edited("stream_start bs 0x560affb7f420 base "
                + "(nil) s 0x560affb851f0", "mirror_start bs 0x560affb7f420 s 0x560affb851f0 opaque 0x1"));
        assertEquals("stream-beside-hmp.log:156: expected the job's QMP command with a log that has mirror_start "
                + "(blockdev-mirror and an active block-commit both print it, and the log names neither target nor "
                + "copy-mode), got none", e.getMessage());
    }

    @Test
    void aJobWhoseIterationsAreNotTracedIsRefusedInOneLine() {
        // a commit_start whose job printed stream_one_iteration: as if the log had no commit_* events
        ImportException e = assertThrows(ImportException.class, () -> edited("stream_start bs 0x560affb7f420 base "
                + "(nil) s", "commit_start bs 0x560affb7f420 base 0x1 top 0x2 s"));
        assertEquals("stream-beside-hmp.log:156: expected a commit_one_iteration of the job commit_start starts here "
                + "(s 0x560affb851f0) before its job_completed at line 376, found none: capture with -trace "
                + "'commit_*'", e.getMessage());
    }

    @Test
    void aStreamWithABaseIsRefusedInOneLine() {
        ImportException e = assertThrows(ImportException.class, () -> edited("base (nil) s", "base 0x560affb90000 s"));
        assertEquals("stream-beside-hmp.log:156: expected stream_start with base (nil) (blockstep streams the whole "
                + "chain), got base 0x560affb90000", e.getMessage());
    }

    @Test
    void aJobThatNeverCompletesInTheLogIsRefusedInOneLine() {
        ImportException e = assertThrows(ImportException.class, () -> edited("job_completed job 0x560affb851f0 ret 0",
                "job_apply_verb job 0x560affb851f0 in state running; applying verb pause (allowed)"));
        assertEquals("stream-beside-hmp.log:156: expected job_completed for the job stream_start starts here (s "
                + "0x560affb851f0), found none: capture until the job ends, with -trace 'job_*'", e.getMessage());
    }

    /** The stream log with one piece of text replaced, imported with its script. */
    private static Trace edited(String from, String to) throws Exception {
        String log = resource("stream-beside-hmp.log");
        assertTrue(log.contains(from), from);
        return QemuLogImporter.importLog(log.replace(from, to), "stream-beside-hmp.log", IMAGE,
                QemuIoScriptImporter.parse(resource("stream-beside-hmp.qemu-io"), "stream-beside-hmp.qemu-io"),
                "stream-beside-hmp.qemu-io");
    }

    @Test
    void aDiscardWithoutTheScriptIsAOneLineErrorAskingForIt() {
        ImportException e = assertThrows(ImportException.class, () -> alone("serial-zero-discard"));
        assertEquals("serial-zero-discard.log:221: cannot tell the range of the discard run by co 0x5621b65b20e0 "
                + "(qemu 7.2 has no discard trace event): give the qemu-io script that produced the log",
                e.getMessage());
    }

    @Test
    void aScriptThatDoesNotMatchTheLogIsRejectedAtTheFirstDifference() throws Exception {
        ImportException e = assertThrows(ImportException.class, () -> QemuLogImporter.importLog(resource("r2.log"),
                "r2.log", IMAGE, QemuIoScriptImporter.parse(resource("r1.qemu-io"), "r1.qemu-io"), "r1.qemu-io"));
        assertEquals("r2.log:58: expected no more requests (r1.qemu-io has 2), got a write by co 0x55ecd86001a0",
                e.getMessage());
        ImportException wrongRange = assertThrows(ImportException.class, () -> QemuLogImporter.importLog(
                resource("r1.log"), "r1.log", IMAGE, QemuIoScriptImporter.parse(
                        "aio_write -P 0x22 0 64k\naio_write -z 0 64k\naio_flush\n", "s"), "s"));
        assertEquals("r1.log:53: co 0x55d131c4b050 runs a write (bdrv_co_pwritev_part offset 0 bytes 65536 flags "
                + "0x16), but s:2 is aio_write", wrongRange.getMessage());
    }


    @Test
    void theStderrFreeFailuresOfTheRandomRunComeFromWriteZeroesWithUnmap() throws Exception {
        Trace t = withScript("rand-stdin");
        List<QemuEvent> failures = t.qemuLog().events().stream().filter(e -> e.event().equals("stderr")).toList();
        assertEquals(3, failures.size());
        for (QemuEvent f : failures) {
            Command c = t.workload().stream().filter(w -> f.coroutine().equals(w.coroutine())).findFirst()
                    .orElseThrow();
            assertTrue(c instanceof Command.Write w && w.zero() && w.unmap(), f + " from " + c);
        }
    }

    @Test
    void reusedCoroutineAddressesBecomeSeparateRequests() throws Exception {
        Trace t = alone("rand-stdin");
        long distinctAddresses = t.qemuLog().symbols().entrySet().stream()
                .filter(e -> e.getKey().matches("[wz][0-9]+")).map(e -> e.getValue()).distinct().count();
        long requests = t.workload().stream().filter(c -> c.coroutine() != null).count();
        assertEquals(200, requests);
        assertTrue(distinctAddresses < requests, distinctAddresses + " addresses");
    }
}
