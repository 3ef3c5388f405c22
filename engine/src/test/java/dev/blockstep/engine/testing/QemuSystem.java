package dev.blockstep.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code qemu-system-x86_64 -machine none} (qemu 7.2) driven over QMP on a unix socket, for block-job
 * reference runs: no guest, only -drive nodes and QMP commands. A missing binary fails the test, never skips it.
 */
public final class QemuSystem implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = 60_000;

    private final Process process;
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<JsonNode> events = new ArrayList<>();

    private QemuSystem(Process process, SocketChannel channel) {
        this.process = process;
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Starts qemu with {@code drives} (each a -drive argument) and negotiates QMP capabilities. */
    public static QemuSystem start(Path dir, String... drives) throws IOException, InterruptedException {
        Path sock = dir.resolve("qmp.sock");
        Files.deleteIfExists(sock);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "none", "-nodefaults",
                "-display", "none", "-monitor", "none", "-qmp", "unix:" + sock + ",server=on,wait=off"));
        for (String d : drives) {
            cmd.add("-drive");
            cmd.add(d);
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("qemu-system-x86_64 is not installed; install qemu-system-x86 (qemu 7.2) to run "
                    + "this test", e);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(sock));
                QemuSystem q = new QemuSystem(p, ch);
                q.next(); // the greeting
                q.execute("qmp_capabilities", JSON.createObjectNode());
                return q;
            } catch (IOException e) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("qemu-system-x86_64 did not open its QMP socket: "
                            + Files.readString(dir.resolve("qemu.out")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** A fresh arguments object. */
    public static ObjectNode args() {
        return JSON.createObjectNode();
    }

    /** Sends one command and returns its "return" value; an "error" reply fails the test. */
    public JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode msg = JSON.createObjectNode().put("execute", command);
        msg.set("arguments", arguments);
        out.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode m = next();
            if (m.has("return")) {
                return m.get("return");
            }
            if (m.has("error")) {
                throw new AssertionError(command + " failed: " + m.get("error"));
            }
            events.add(m);
        }
    }

    /** Waits for the event named {@code name} (one seen earlier counts) and returns its data. */
    public JsonNode awaitEvent(String name) throws IOException {
        for (JsonNode e : events) {
            if (name.equals(e.path("event").asText())) {
                events.remove(e);
                return e.get("data");
            }
        }
        while (true) {
            JsonNode m = next();
            if (name.equals(m.path("event").asText())) {
                return m.get("data");
            }
            events.add(m);
        }
    }

    private JsonNode next() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("qemu closed the QMP socket");
        }
        return JSON.readTree(line);
    }

    /** Quits qemu and waits for it, so its images are closed and flushed. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            execute("quit", args());
        } catch (IOException e) {
            // qemu may close the socket before replying to quit
        }
        channel.close();
        if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("qemu-system-x86_64 did not quit");
        }
    }
}
