package dev.blockstep.engine.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Driver;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The driver's own ImageView (built from its in-memory state) must show the same host clusters, refcounts,
 * references, roles and guest pointers as the independent checker reads from the bytes.
 */
class DriverViewAgreementTest {

    @TempDir
    Path dir;

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("fresh", new String[][] {}),
                Arguments.of("written", new String[][] {{"write -P 1 0 128k", "write -z 1M 64k", "write -P 2 700M 64k",
                        "discard 0 64k"}}),
                Arguments.of("race R1", new String[][] {{"write -P 0x11 0 64k", "write -z 0 64k"},
                        {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k", "aio_flush"}}),
                Arguments.of("race R2", new String[][] {{"write -P 0x11 0 64k", "write -z 0 64k"},
                        {"aio_write -P 0x22 0 64k", "aio_write -z -u 0 64k", "aio_write -P 0x33 64k 64k", "aio_flush"}}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void theDriversHostClusterRowsEqualTheCheckersRows(String name, String[][] sessions) throws Exception {
        Path img = dir.resolve(name.replace(' ', '-') + ".qcow2");
        assertEquals(0, Qemu.img("create", "-q", "-f", "qcow2", img.toString(), "1G").exitCode());
        for (String[] session : sessions) {
            String[] args = new String[2 * session.length + 3];
            args[0] = "-f";
            args[1] = "qcow2";
            for (int i = 0; i < session.length; i++) {
                args[2 + 2 * i] = "-c";
                args[3 + 2 * i] = session[i];
            }
            args[args.length - 1] = img.toString();
            Qemu.io(args);
        }
        HostFile file = HostFile.load(img);
        List<HostClusterRow> checker = ReferenceCounts.of(file.copy()).rows();
        List<HostClusterRow> driver = Qcow2Driver.open(file.copy(), img.toString(), EngineEventSink.NONE)
                .imageView().hostClusters();
        assertEquals(checker, driver);
    }
}
