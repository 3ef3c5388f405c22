package dev.blockstep.engine.block;

import dev.blockstep.engine.fix.FixVariant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.coroutine.Scheduler;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import dev.blockstep.engine.testing.Qemu;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.blockstep.engine.session.EngineSession;
import dev.blockstep.engine.trace.QemuLogReplay;
import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.qemulog.QemuLogImporter;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qemu-nbd 7.2's TRIM: blk_co_pdiscard, then, when the client set NBD_CMD_FLAG_FUA, blk_co_flush in the same
 * coroutine before the reply, also when --discard=ignore made the discard a no-op. Without FUA there is no flush.
 * qemu-io's NBD client never sets FUA on a TRIM, so the live comparison speaks NBD itself (fixed newstyle,
 * NBD_OPT_EXPORT_NAME, one TRIM, NBD_CMD_DISC).
 */
class NbdTrimFuaTest {

    @TempDir
    Path dir;

    private static List<String> steps(boolean unmap, boolean fua) throws Exception {
        BlockNode node = new BlockNode(FixVariant.NONE, unmap, DetectZeroes.OFF);
        node.attach(Qcow2Driver.open(Images.zeroAllocAtZero(), "img", node.eventSink()));
        Scheduler s = new Scheduler(Policies.fifo());
        NbdServer server = new NbdServer(new BlockBackend(node, false));
        s.spawn(server.handle(s.nextId(), "trim", new NbdServer.NbdRequest(NbdServer.Type.TRIM, 0, Images.CS, fua,
                false), 0));
        List<String> names = new ArrayList<>();
        for (Step st = s.step(); st != null; st = s.step()) {
            names.add(st.name());
        }
        return names;
    }

    @ParameterizedTest(name = "unmap={0} fua={1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void aTrimWithFuaFlushesAfterItsDiscard(boolean unmap, boolean fua) throws Exception {
        List<String> names = steps(unmap, fua);
        int flush = names.indexOf("qcow2_co_flush_to_os");
        assertEquals(fua, flush >= 0, names.toString());
        if (fua) {
            int discardEnd = unmap ? names.indexOf("tracked_request_end") : names.indexOf("bdrv_co_pdiscard");
            assertTrue(discardEnd >= 0 && discardEnd < flush, "the flush follows the discard: " + names);
        }
        if (unmap) {
            assertTrue(names.contains("qcow2_cluster_discard"), names.toString());
        }
    }

    @ParameterizedTest(name = "discard={0} fua={1}")
    @CsvSource({"ignore,true", "ignore,false", "unmap,true", "unmap,false"})
    void theEngineFlushesWhereRealQemuNbdDoes(String discard, boolean fua) throws Exception {
        List<String> lines = Files.readAllLines(serve(dir, discard, fua, false));
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (from < 0 && lines.get(i).startsWith("nbd_receive_request") && lines.get(i).contains(".type = 0x4")) {
                from = i;
            } else if (from >= 0 && lines.get(i).startsWith("nbd_co_send_simple_reply")) {
                to = i;
                break;
            }
        }
        assertTrue(from >= 0 && to > from, "no TRIM and reply in qemu-nbd's log: " + lines);
        boolean realFlushes = lines.subList(from, to).stream().anyMatch(l -> l.startsWith("qcow2_cache_flush "));
        assertEquals(fua, realFlushes, "qemu-nbd " + (realFlushes ? "flushed" : "did not flush") + " for the TRIM");
        boolean engineFlushes = steps(discard.equals("unmap"), fua).contains("qcow2_co_flush_to_os");
        assertEquals(realFlushes, engineFlushes, "the engine's TRIM against qemu-nbd's, discard=" + discard
                + " fua=" + fua);
        if (discard.equals("unmap")) {
            Path again = Files.createDirectory(dir.resolve("with-write"));
            importedTrimReplaysAsQemuNbdRanIt(again, serve(again, discard, fua, true), fua);
        }
    }

    /** Runs qemu-nbd with tracing on over a fresh image in {@code in} and sends the TRIM; returns the log. */
    private static Path serve(Path in, String discard, boolean fua, boolean writeFirst) throws Exception {
        Path base = in.resolve("base.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", base.toString(), "16M");
        Qemu.io("-f", "qcow2", "-c", "write -P 0x11 0 512k", "-c", "write -z 0 512k", base.toString());
        Path img = Files.copy(base, in.resolve("img.qcow2"));
        Path sock = in.resolve("nbd.sock");
        Path log = in.resolve("trace.log");
        // without --persistent qemu-nbd exits when its one client disconnects
        Process nbd = new ProcessBuilder("qemu-nbd", "-f", "qcow2", "-k", sock.toString(), "--discard=" + discard,
                "-T", "qcow2_*", "-T", "nbd_*", "-T", "qemu_co_mutex*", "-T", "bdrv_co_*", "-T", "thread_pool_*",
                img.toString()).redirectError(log.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            trim(sock, nbd, fua, writeFirst);
            assertTrue(nbd.waitFor(60, TimeUnit.SECONDS), "qemu-nbd did not exit after its client left");
        } finally {
            nbd.destroyForcibly();
        }
        return log;
    }

    /**
     * The raw log imported: the discard carries the TRIM's FUA (nbd_receive_request's flags), and its replay flushes
     * after the discard exactly when qemu-nbd did. With --discard=ignore the TRIM never reaches the qcow2 node, so
     * such a log has no request to import.
     */
    private static void importedTrimReplaysAsQemuNbdRanIt(Path in, Path log, boolean fua) throws Exception {
        Path base = in.resolve("base.qcow2");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(base)));
        Trace t = QemuLogImporter.importLog(Files.readString(log), "trace.log",
                new ImageSetup.Base("base.qcow2", sha, List.of()), null, null, new QemuLogImporter.Options(null, null,
                        new NodeOptions(NodeOptions.Discard.UNMAP, null, null)));
        List<Command.Discard> discards = t.workload().stream().filter(c -> c instanceof Command.Discard)
                .map(c -> (Command.Discard) c).toList();
        assertEquals(1, discards.size(), t.workload().toString());
        assertTrue(t.workload().get(1) instanceof Command.Discard, t.workload().toString());
        assertEquals(fua, discards.get(0).fua(), "the imported discard's FUA");
        assertEquals(fua ? 4 : 2, t.formatVersion(), "a discard with FUA needs format version 4");
        EngineSession s = QemuLogReplay.run(t, in, "trim");
        int co = s.engine().commands().command(1).coroutine();
        boolean replayFlushes = s.steps().stream().anyMatch(st -> st.coroutine() == co
                && st.name().equals("qcow2_co_flush_to_os"));
        assertEquals(fua, replayFlushes, "the replayed TRIM flushes as qemu-nbd's did");
    }

    /** One NBD WRITE of guest cluster 2, then one TRIM of guest cluster 1, over a fresh connection; then NBD_CMD_DISC. */
    private static void trim(Path sock, Process nbd, boolean fua, boolean writeFirst) throws Exception {
        SocketChannel ch = null;
        for (int i = 0; ch == null; i++) {
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(sock));
            } catch (IOException e) {
                ch = null;
                if (i > 500 || !nbd.isAlive()) {
                    throw new AssertionError("cannot connect to qemu-nbd: " + e.getMessage());
                }
                Thread.sleep(20);
            }
        }
        try (SocketChannel c = ch) {
            ByteBuffer hello = read(c, 18);
            assertEquals("NBDMAGICIHAVEOPT", new String(hello.array(), 0, 16, StandardCharsets.US_ASCII));
            // client flags: FIXED_NEWSTYLE | NO_ZEROES; then NBD_OPT_EXPORT_NAME with the empty name
            write(c, ByteBuffer.allocate(4).putInt(3));
            write(c, ByteBuffer.allocate(16).put("IHAVEOPT".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0));
            read(c, 10);
            if (writeFirst) {
                // a WRITE without FUA first, of guest cluster 2: the importer finds the qcow2 node by its writes
                writeCluster2(c);
            }
            write(c, request(fua ? 1 : 0, 4, 7, Images.CS, (int) Images.CS));
            ByteBuffer reply = read(c, 16);
            assertEquals(0x67446698, reply.getInt(0), "simple reply magic");
            assertEquals(0, reply.getInt(4), "TRIM error");
            write(c, request(0, 2, 8, 0, 0));
        }
    }

    /** An NBD WRITE of 0x33 bytes to guest cluster 2, without FUA, and its reply. */
    private static void writeCluster2(SocketChannel c) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(28 + (int) Images.CS);
        data.put(request(0, 1, 6, 2 * Images.CS, (int) Images.CS).flip());
        while (data.hasRemaining()) {
            data.put((byte) 0x33);
        }
        write(c, data);
        assertEquals(0, read(c, 16).getInt(4), "WRITE error");
    }

    private static ByteBuffer request(int flags, int type, long handle, long from, int len) {
        return ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) flags).putShort((short) type)
                .putLong(handle).putLong(from).putInt(len);
    }

    private static void write(SocketChannel c, ByteBuffer b) throws IOException {
        b.flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static ByteBuffer read(SocketChannel c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("qemu-nbd closed the connection");
            }
        }
        return b;
    }
}
