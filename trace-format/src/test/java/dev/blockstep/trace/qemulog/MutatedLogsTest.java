package dev.blockstep.trace.qemulog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.importer.ImportException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random corruptions of a real log: each imports or gives one ImportException line naming the log. */
class MutatedLogsTest {

    @Test
    void everyCorruptionOfTheR1LogImportsOrGivesOneLineNamingTheLog() throws Exception {
        String log = QemuLogImporterTest.resource("r1.log");
        Random r = new Random(7);
        String alphabet = " x0123456789abcdef_:\n";
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder(log);
            for (int e = 0; e < 1 + r.nextInt(3); e++) {
                int at = r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            try {
                QemuLogImporter.importLog(sb.toString(), "r1.log", new ImageSetup.Fresh(16 << 20, 65536, List.of()),
                        null, null);
            } catch (ImportException ex) {
                assertTrue(ex.getMessage().startsWith("r1.log:"), ex.getMessage());
                assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            }
        }
    }
}
