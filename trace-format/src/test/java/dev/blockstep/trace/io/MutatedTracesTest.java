package dev.blockstep.trace.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded random corruptions of a valid trace: each must either parse or give one TraceFormatException
 * line that names the file; never another exception (a stack trace for the user).
 */
class MutatedTracesTest {

    static final String ALPHABET = "{}[]\":,-0123456789 \nabcdefxyz#.eE+\\";

    @Test
    void everyCorruptionOfAValidTraceParsesOrGivesOneLineNamingTheFile() throws Exception {
        String valid = TraceWriter.toJson(RoundTripTest.randomTrace(3));
        Random r = new Random(42);
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder(valid);
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits && sb.length() > 0; e++) {
                int at = r.nextInt(sb.length());
                switch (r.nextInt(4)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    case 2 -> sb.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                    default -> sb.setLength(at);
                }
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            try {
                TraceReader.read(new ByteArrayInputStream(bytes), "m.json");
            } catch (TraceFormatException ex) {
                rejected++;
                assertTrue(ex.getMessage().startsWith("m.json:"), ex.getMessage());
                assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            }
        }
        assertTrue(rejected > 2000, "only " + rejected + " of 3000 corruptions were rejected");
    }
}
