package dev.blockstep.samples.captures;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.blockstep.trace.BackingLayer;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.JobCommand;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.WorkloadProducer;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.importer.QemuIoScriptImporter;
import dev.blockstep.trace.importer.QemuIoScriptImporter.ScriptCommand;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** The captures from real qemu 7.2 under resources/captures/NAME/ (see captures/README.md there). */
final class Captures {

    static final String DIR = "/captures/";

    private Captures() {
    }

    /** Every capture's name, sorted. */
    static List<String> names() throws Exception {
        URL url = Captures.class.getResource(DIR);
        assertNotNull(url, "no captures on the classpath");
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] bytes(String capture, String file) throws Exception {
        try (InputStream in = Captures.class.getResourceAsStream(DIR + capture + "/" + file)) {
            assertNotNull(in, capture + "/" + file);
            return in.readAllBytes();
        }
    }

    static String text(String capture, String file) throws Exception {
        return new String(bytes(capture, file), StandardCharsets.UTF_8);
    }

    static byte[] gunzip(String capture, String file) throws Exception {
        try (InputStream in = new GZIPInputStream(Captures.class.getResourceAsStream(DIR + capture + "/" + file))) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes the image the capture's run started from into {@code dir} (base.qcow2, or every image of a job capture's
     * chain under its own name) and imports its raw log against it.
     */
    static Trace importRaw(String capture, Path dir) throws Exception {
        ImageSetup start = startImage(capture, dir);
        // a job capture's guest commands give the data patterns, so its replayed images can be compared byte for byte
        List<ScriptCommand> script = chain(capture).isEmpty() ? null
                : QemuIoScriptImporter.parse(text(capture, "workload.txt"), "workload.txt");
        return QemuLogImporter.importLog(text(capture, "trace.log"), "trace.log", start, script,
                script == null ? null : "workload.txt",
                new QemuLogImporter.Options(null, producer(capture), nodeOptions(capture), statedJob(capture)));
    }

    /**
     * The QMP command of a mirror capture's job as capture.json records what was sent (the log shows neither
     * blockdev-mirror's target nor its copy-mode, and an active commit prints the same events), with the target
     * blockdev-add opened: the fresh 64 KiB-cluster image commands.txt shows qemu-img made, the chain's size. Null
     * for the other captures: the importer reads their job from the log alone.
     */
    static JobCommand statedJob(String capture) throws Exception {
        JsonNode c = new ObjectMapper().readTree(bytes(capture, "capture.json"));
        JsonNode args = c.path("job").path("arguments");
        String execute = c.path("job").path("execute").asText();
        if (execute.equals(JobCommand.BlockdevMirror.EXECUTE)) {
            JobCommand.CopyMode mode = args.path("copy-mode").asText().equals("write-blocking")
                    ? JobCommand.CopyMode.WRITE_BLOCKING : JobCommand.CopyMode.BACKGROUND;
            return new JobCommand.BlockdevMirror(args.path("job-id").asText(), args.path("device").asText(),
                    args.path("target").asText(), new ImageSetup.Fresh(256 << 10, 65536, List.of()),
                    JobCommand.Sync.FULL, mode, null, 0);
        }
        if (execute.equals(JobCommand.BlockCommit.EXECUTE) && !args.has("top")) {
            return new JobCommand.BlockCommit(args.path("job-id").asText(), args.path("device").asText(), null,
                    args.path("base").asText(null), null, 0);
        }
        return null;
    }

    /**
     * The image a capture's job wrote besides the chain's top, or null: {@code file} is its name among the capture's
     * files, {@code name} the engine's (blockdev-mirror's target node, or the file a commit writes).
     */
    record JobImage(String file, String name) {
    }

    static JobImage jobImage(String capture) throws Exception {
        JsonNode c = new ObjectMapper().readTree(bytes(capture, "capture.json"));
        JsonNode args = c.path("job").path("arguments");
        if (c.has("target")) {
            return new JobImage(c.path("target").asText(), args.path("target").asText());
        }
        if (!c.path("job").path("execute").asText().equals(JobCommand.BlockCommit.EXECUTE) || !args.has("base")) {
            return null;
        }
        return new JobImage(args.path("base").asText(), args.path("base").asText());
    }

    /** The images of a job capture's chain, top first; empty for the other captures. */
    static List<String> chain(String capture) throws Exception {
        JsonNode c = new ObjectMapper().readTree(bytes(capture, "capture.json")).path("chain");
        return c.isArray() ? java.util.stream.StreamSupport.stream(c.spliterator(), false).map(JsonNode::asText)
                .toList() : List.of();
    }

    /** The QMP command of a job capture's job ("block-stream"). */
    static String jobExecute(String capture) throws Exception {
        return new ObjectMapper().readTree(bytes(capture, "capture.json")).path("job").path("execute").asText();
    }

    /** The file real qemu-img check ran on after the capture's run: the chain's top, or img.qcow2. */
    static String checkedImage(String capture) throws Exception {
        List<String> chain = chain(capture);
        return chain.isEmpty() ? "img.qcow2" : chain.get(0);
    }

    private static ImageSetup startImage(String capture, Path dir) throws Exception {
        List<String> chain = chain(capture);
        if (chain.isEmpty()) {
            return new ImageSetup.Base("base.qcow2", write(capture, "base.qcow2", dir), List.of());
        }
        ImageSetup below = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String name = chain.get(i);
            BackingLayer backing = below == null ? null : new BackingLayer(chain.get(i + 1), "qcow2", below);
            below = new ImageSetup.Base(name, write(capture, name, dir), List.of(), backing);
        }
        return below;
    }

    /** Writes the capture's NAME.gz into {@code dir} as NAME and returns its SHA-256. */
    private static String write(String capture, String name, Path dir) throws Exception {
        byte[] image = gunzip(capture, name + ".gz");
        Files.write(dir.resolve(name), image);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    }

    /**
     * The producer the capture's command lines name where the log cannot show it: qemu-system's HMP qemu-io on
     * drive d0 (setups "sys-..."); otherwise null, so the importer infers it (NBD negotiation, qemu-io output).
     */
    static WorkloadProducer producer(String capture) throws Exception {
        JsonNode c = new ObjectMapper().readTree(bytes(capture, "capture.json"));
        return c.path("setup").asText().startsWith("sys-")
                ? new WorkloadProducer(WorkloadProducer.Tool.HMP_QEMU_IO, 1, "d0") : null;
    }

    /** The node options the capture's command line set (-drive discard=/detect-zeroes=, qemu-nbd --discard). */
    static NodeOptions nodeOptions(String capture) throws Exception {
        JsonNode o = new ObjectMapper().readTree(bytes(capture, "capture.json")).path("nodeOptions");
        return new NodeOptions(NodeOptions.fromJson(NodeOptions.Discard.class, o.path("discard").asText(null)),
                NodeOptions.fromJson(NodeOptions.DetectZeroes.class, o.path("detect-zeroes").asText(null)), null);
    }
}
