package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.blockstep.engine.coroutine.Policies;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.Engine;
import dev.blockstep.engine.session.Workload;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.trace.NodeOptions;
import dev.blockstep.trace.NodeOptions.DetectZeroes;
import dev.blockstep.trace.NodeOptions.Discard;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node options against real qemu-io 7.2 opened with {@code --image-opts ...,discard=,detect-zeroes=}: the same
 * serial commands must leave the same image bytes. The commands write zeros as data over a data cluster, a
 * ZERO_ALLOC cluster, half a cluster and an unallocated cluster, and discard a data cluster, so detect-zeroes
 * (off / on / unmap) and discard (ignore / unmap) each change the result.
 */
class NodeOptionsDifferentialTest {

    private static final List<String> COMMANDS = List.of("write -P 0x11 0 320k", "write -z 64k 64k",
            "write -P 0 0 64k", "write -P 0 64k 64k", "write -P 0 128k 32k", "discard 192k 64k",
            "write -P 0 1M 64k", "write -P 0x22 2M 4k");

    private static byte[] real(Path dir, String name, Discard discard, DetectZeroes dz) throws Exception {
        Path img = dir.resolve(name + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        StringBuilder opts = new StringBuilder("driver=qcow2,file.filename=" + img);
        if (discard != null) {
            opts.append(",discard=").append(NodeOptions.jsonName(discard));
        }
        if (dz != null) {
            opts.append(",detect-zeroes=").append(NodeOptions.jsonName(dz));
        }
        List<String> args = new ArrayList<>(List.of("--image-opts"));
        for (String c : COMMANDS) {
            args.add("-c");
            args.add(c);
        }
        args.add(opts.toString());
        Qemu.Result r = Qemu.io(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        return Files.readAllBytes(img);
    }

    private static byte[] engine(Path dir, String name, Discard discard, DetectZeroes dz) throws Exception {
        Path img = dir.resolve(name + "-engine.qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "16M").exitCode());
        var cmds = QemuIoParser.parseScript(String.join("\n", COMMANDS) + "\n", name);
        Engine e = new Engine(new Workload(HostFile.load(img), name, cmds, FixVariant.NONE, Policies::fifo,
                new BlockStack(null, new NodeOptions(discard, dz, null))));
        e.runToEnd();
        Path out = dir.resolve(name + "-engine-out.qcow2");
        e.file().save(out);
        return Files.readAllBytes(out);
    }

    private static byte[] agree(Path dir, String name, Discard discard, DetectZeroes dz) throws Exception {
        byte[] real = real(dir, name, discard, dz);
        assertArrayEquals(real, engine(dir, name, discard, dz), name + ": the engine's image differs from qemu-io's");
        return real;
    }

    @Test
    void detectZeroesAndDiscardLeaveTheImageRealQemuLeaves(@TempDir Path dir) throws Exception {
        byte[] defaults = agree(dir, "defaults", null, null);
        byte[] ignore = agree(dir, "ignore", Discard.IGNORE, null);
        byte[] on = agree(dir, "on", Discard.IGNORE, DetectZeroes.ON);
        byte[] unmap = agree(dir, "unmap", Discard.UNMAP, DetectZeroes.UNMAP);
        byte[] onUnmap = agree(dir, "on-unmap", Discard.UNMAP, DetectZeroes.ON);
        // each option changes what real qemu leaves, so each comparison above guards a behaviour
        assertFalse(java.util.Arrays.equals(defaults, ignore), "discard=ignore changes nothing in qemu");
        assertFalse(java.util.Arrays.equals(ignore, on), "detect-zeroes=on changes nothing in qemu");
        assertFalse(java.util.Arrays.equals(onUnmap, unmap), "detect-zeroes=unmap changes nothing against on");
    }
}
