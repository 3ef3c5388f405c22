package dev.blockstep.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What of a mirror's or commit's target can be compared with real qemu's when qemu's own target is not the same
 * every run: with several copies in flight the order of the target's host clusters follows the order the copies'
 * reads complete (docs/evidence.md). What is deterministic is compared: the guest-visible content ({@code
 * qemu-img compare}), {@code qemu-img map}'s allocation and zero status per guest range (its host offsets left
 * out), {@code qemu-img check}'s verdict and counts (its fragmentation left out: it follows the host order), and
 * the header up to its extensions.
 */
public final class MirrorOutcome {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MirrorOutcome() {
    }

    /** Asserts that {@code ours} and {@code real} agree on everything deterministic; {@code what} names them. */
    public static void assertSameOutcome(Path real, Path ours, String what) throws Exception {
        Qemu.Result cmp = Qemu.img("compare", "-f", "qcow2", "-F", "qcow2", real.toString(), ours.toString());
        assertEquals(0, cmp.exitCode(), what + ": qemu-img compare: " + cmp.stdout() + cmp.stderr());
        assertEquals(map(real), map(ours), what + ": qemu-img map without host offsets");
        assertEquals(check(real), check(ours), what + ": qemu-img check without fragmentation");
        assertEquals(header(real), header(ours), what + ": header");
    }

    /** {@code qemu-img map --output=json}, each range without its host offset. */
    public static List<String> map(Path image) throws Exception {
        Qemu.Result r = Qemu.img("map", "--output=json", "-f", "qcow2", image.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        List<String> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.stdout())) {
            ObjectNode o = (ObjectNode) n.deepCopy();
            o.remove("offset");
            out.add(o.toString());
        }
        return out;
    }

    /** {@code qemu-img check --output=json} without the filename and fragmentation, and its exit code. */
    public static String check(Path image) throws Exception {
        Qemu.Result r = Qemu.img("check", "--output=json", "-f", "qcow2", image.toString());
        ObjectNode o = (ObjectNode) JSON.readTree(r.stdout());
        o.remove("filename");
        o.remove("fragmented-clusters");
        return "exit " + r.exitCode() + " " + o;
    }

    /** {@code qemu-img info --output=json}'s format-specific part and sizes, without file names and sizes on disk. */
    public static String header(Path image) throws Exception {
        Qemu.Result r = Qemu.img("info", "--output=json", "-f", "qcow2", image.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        ObjectNode o = (ObjectNode) JSON.readTree(r.stdout());
        o.remove("filename");
        o.remove("actual-size");
        o.remove("backing-filename");
        o.remove("full-backing-filename");
        return o.toString();
    }
}
