package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.FixSetting;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.Metadata;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format version 5: the trace names the QMP command of a block job started beside its workload. Older versions
 * may not, bad arguments are refused in one line with the place, and a trace without a job is still written as
 * the oldest version that holds it.
 */
class JobTraceTest {

    private static final String FRESH = "\"virtualSize\": 1048576, \"clusterSize\": 65536";
    private static final String CHAIN = "{" + FRESH + ", \"backing\": {\"name\": \"mid.qcow2\", \"format\": \"qcow2\","
            + " \"image\": {" + FRESH + ", \"backing\": {\"name\": \"base.qcow2\", \"format\": \"qcow2\", \"image\": {"
            + FRESH + "}}}}}";

    private static Trace withJob(JobCommand job) {
        ImageSetup base = new ImageSetup.Fresh(1 << 20, 65536, List.of());
        ImageSetup mid = new ImageSetup.Fresh(1 << 20, 65536, List.of(), new BackingLayer("base.qcow2", "qcow2", base));
        ImageSetup top = new ImageSetup.Fresh(1 << 20, 65536, List.of(), new BackingLayer("mid.qcow2", "qcow2", mid));
        return Trace.of(Metadata.empty(), top, List.of(new Command.Discard("d0", Producer.GUEST, 0, 65536),
                new Command.Flush("f0", Producer.GUEST)), FixSetting.off()).withJob(job);
    }

    private static String errorOf(int version, String job) {
        String json = "{\"formatVersion\": " + version + ", \"image\": " + CHAIN + ", \"job\": " + job
                + ", \"workload\": [{\"op\": \"flush\", \"co\": \"f\"}]}";
        return assertThrows(TraceFormatException.class, () -> ProducerRoundTripTest.read(json)).getMessage();
    }

    @Test
    void aTraceWithAJobIsWrittenAsVersionFiveAndReadsBackEqual() throws Exception {
        for (JobCommand job : List.of(new JobCommand.BlockStream("job0", "drive0", null, null, 1),
                new JobCommand.BlockStream(null, "top", "mid.qcow2", "mid.qcow2", 0),
                new JobCommand.BlockCommit("c", "drive0", "mid.qcow2", "base.qcow2", "base.qcow2", 2),
                new JobCommand.BlockdevMirror("m", "drive0", "tgt", new ImageSetup.Fresh(1 << 20, 65536,
                        List.of(new Command.Write(false, null, Producer.GUEST, 0, 65536, 0x11, false, false, false))),
                        JobCommand.Sync.FULL, JobCommand.CopyMode.WRITE_BLOCKING, 65536L, 1),
                new JobCommand.BlockdevMirror(null, "drive0", "tgt", new ImageSetup.Fresh(1 << 20, 65536, List.of()),
                        JobCommand.Sync.TOP, null, null, 0))) {
            Trace t = withJob(job);
            assertEquals(5, t.formatVersion());
            String json = TraceWriter.toJson(t);
            assertTrue(json.startsWith("{\n  \"formatVersion\": 5,"), json);
            assertEquals(t, ProducerRoundTripTest.read(json));
        }
        String json = TraceWriter.toJson(withJob(new JobCommand.BlockCommit("c", "drive0", "mid.qcow2", null,
                "base.qcow2", 1)));
        assertTrue(json.contains("\"job\": {\n    \"execute\": \"block-commit\",\n    \"arguments\": {\"job-id\": \"c\", "
                + "\"device\": \"drive0\", \"top\": \"mid.qcow2\", \"backing-file\": \"base.qcow2\"},\n"
                + "    \"afterCommands\": 1\n  }"), json);
    }

    @Test
    void withoutAJobTheTraceKeepsTheOldestVersionThatHoldsIt() {
        assertEquals(3, withJob(null).formatVersion());
        assertTrue(TraceWriter.toJson(withJob(null)).startsWith("{\n  \"formatVersion\": 3,"));
    }

    @Test
    void aVersionFourFileMayNotNameAJob() {
        assertEquals("t.json:1:300: $.job: field \"job\" needs formatVersion 5, the file says 4",
                errorOf(4, "{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\"}}"));
    }

    @Test
    void badJobArgumentsAreRefusedInOneLineWithTheirPlace() {
        String[][] cases = {
            {"{\"execute\": \"blockdev-backup\", \"arguments\": {\"device\": \"d\"}}",
                "$.job.execute: expected a QMP job command (block-commit, block-stream, blockdev-mirror), got "
                        + "\"blockdev-backup\""},
            {"{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d\", \"target\": \"t\"}}",
                "$.job.arguments: missing blockdev-mirror argument \"sync\""},
            {"{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d\", \"target\": \"t\", \"sync\": "
                    + "\"full\"}}", "$.job: missing field \"targetImage\" (the image blockdev-add opened as node t)"},
            {"{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d\", \"target\": \"t\", \"sync\": "
                    + "\"incremental\"}, \"targetImage\": {" + FRESH + "}}",
                "$.job.arguments.sync: expected one of full, top, none, got \"incremental\""},
            {"{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d\", \"target\": \"t\", \"sync\": "
                    + "\"full\", \"copy-mode\": \"active\"}, \"targetImage\": {" + FRESH + "}}",
                "$.job.arguments.copy-mode: expected one of background, write-blocking, got \"active\""},
            {"{\"execute\": \"blockdev-mirror\", \"arguments\": {\"device\": \"d\", \"target\": \"t\", \"sync\": "
                    + "\"full\", \"granularity\": 3000}, \"targetImage\": {" + FRESH + "}}",
                "$.job.arguments.granularity: expected a power of two from 512 to 67108864, got 3000"},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\"}, \"targetImage\": {" + FRESH + "}}",
                "$.job.targetImage: field \"targetImage\" belongs to blockdev-mirror, not block-stream"},
            {"{\"arguments\": {\"device\": \"d\"}}", "$.job: missing field \"execute\""},
            {"{\"execute\": \"block-stream\"}", "$.job: missing field \"arguments\""},
            {"{\"execute\": \"block-stream\", \"arguments\": {}}",
                "$.job.arguments: missing block-stream argument \"device\""},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\", \"speed\": \"9\"}}",
                "$.job.arguments.speed: unknown block-stream argument \"speed\" (expected job-id, device, base, "
                        + "backing-file)"},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"0d\"}}",
                "$.job.arguments.device: expected a QMP id (a letter, then letters, digits, '-', '.' or '_'), got \"0d\""},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\", \"base\": 3}}",
                "$.job.arguments.base: expected a node or file name (a non-empty string), got 3"},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\", \"base\": \"other.qcow2\"}}",
                "$.job.arguments.base: expected a backing file of the chain (the chain below the image is mid.qcow2 "
                        + "-> base.qcow2), got \"other.qcow2\""},
            {"{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d\", \"top\": \"base.qcow2\"}}",
                "$.job.arguments.top: expected a top with an image below it to commit into (the chain below the image "
                        + "is mid.qcow2 -> base.qcow2), got \"base.qcow2\""},
            {"{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d\", \"top\": \"mid.qcow2\", \"base\": "
                    + "\"mid.qcow2\"}}", "$.job.arguments.base: expected a backing file below top mid.qcow2"},
            {"{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d\", \"backing-file\": \"b\"}}",
                "$.job.arguments.backing-file: 'backing-file' specified, but 'top' is the active layer"},
            {"{\"execute\": \"block-commit\", \"arguments\": {\"device\": \"d\", \"base\": \"x.qcow2\"}}",
                "$.job.arguments.base: expected a backing file of the chain (the chain below the image is mid.qcow2 "
                        + "-> base.qcow2), got \"x.qcow2\""},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\"}, \"afterCommands\": 2}",
                "$.job.afterCommands: expected a number of workload commands in 0..1 (the workload has 1), got 2"},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\"}, \"afterCommands\": -1}",
                "$.job.afterCommands: expected a number of workload commands (0 or more), got -1"},
            {"{\"execute\": \"block-stream\", \"arguments\": {\"device\": \"d\"}, \"when\": 0}",
                "$.job.when: unknown field \"when\" (expected execute, arguments, targetImage or afterCommands)"},
        };
        for (String[] c : cases) {
            String m = errorOf(5, c[0]);
            assertTrue(m.startsWith("t.json:1:") && m.contains(c[1]), c[0] + "\n" + m);
            assertEquals(1, m.lines().count(), m);
        }
    }
}
