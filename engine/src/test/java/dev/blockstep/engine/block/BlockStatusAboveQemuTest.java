package dev.blockstep.engine.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.BackingChain;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.testing.Qemu;
import dev.blockstep.engine.testing.QemuChain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs a mirror's block status answers, walked over a chain real qemu made, against real {@code qemu-img map}:
 * both ask bdrv_block_status_above layer by layer, and qemu-img merges only neighbours of one layer whose host
 * offsets follow on, which count_contiguous_subclusters keeps in one answer too. So each answer must be one map
 * entry, with its data flag. The chain has data in three layers, plain and allocated zero clusters, and in the top
 * two data clusters whose host clusters are not in guest order.
 */
class BlockStatusAboveQemuTest {

    @Test
    void eachAnswerIsOneEntryOfRealQemuImgMap(@TempDir Path dir) throws Exception {
        QemuChain.create(dir, "1M",
                new QemuChain.Layer("base.qcow2", "write -P 0x11 0 256k", "write -P 0x12 768k 64k"),
                new QemuChain.Layer("mid.qcow2", "write -P 0x33 64k 4k", "write -z 512k 64k"),
                new QemuChain.Layer("top.qcow2", "write -P 0x21 0 64k", "write -P 0x22 320k 64k",
                        "write -P 0x23 256k 64k", "write -P 0x24 384k 64k", "write -z 384k 64k",
                        "write -z 448k 64k"));
        Path top = dir.resolve("top.qcow2");
        Qcow2Driver d = Qcow2Driver.open(HostFile.load(top), "top.qcow2", EngineEventSink.NONE,
                BackingChain.of(top)::open);
        List<String> ours = new ArrayList<>();
        for (long off = 0; off < d.size(); ) {
            BlockStatusAbove.Answer a = BlockStatusAbove.of(d, 1, off, d.size() - off);
            ours.add(off + "+" + a.bytes() + " " + (a.status() == BlockStatusAbove.Status.DATA ? "data" : "zero"));
            off += a.bytes();
        }
        Qemu.Result map = Qemu.img("map", "--output=json", top.toString());
        assertEquals(0, map.exitCode(), map.stderr());
        List<String> real = new ArrayList<>();
        for (JsonNode e : new ObjectMapper().readTree(map.stdout())) {
            real.add(e.get("start").asLong() + "+" + e.get("length").asLong() + " "
                    + (e.get("data").asBoolean() ? "data" : "zero"));
        }
        assertEquals(real, ours);
    }
}
