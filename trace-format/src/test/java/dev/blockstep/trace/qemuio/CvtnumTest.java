package dev.blockstep.trace.qemuio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Plain decimal numbers take a quick path; it must agree with qemu's rules at the edges. */
class CvtnumTest {
    @Test
    void plainNumbersSuffixesAndTheirLimits() throws Exception {
        assertEquals(65536, Cvtnum.parse("65536"));
        assertEquals(65536, Cvtnum.parse("64k"));
        assertEquals(65536, Cvtnum.parse("0x10000"));
        assertEquals(1536, Cvtnum.parse("1.5k"));
        assertEquals(12, Cvtnum.parse("012"));
        assertEquals(Long.MAX_VALUE, Cvtnum.parse("9223372036854775807"));
        assertEquals(999_999_999_999_999_999L, Cvtnum.parse("999999999999999999"));
        assertEquals(7L << 60, Cvtnum.parse("7e"));
        assertEquals("Parsing error: argument too large -- 8e",
                assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("8e")).getMessage());
        // 16 << 60 wraps to 0 in a long
        assertEquals("Parsing error: argument too large -- 16e",
                assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("16e")).getMessage());
        assertEquals("Parsing error: argument too large -- 9223372036854775808",
                assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("9223372036854775808")).getMessage());
        assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("1.5"));
        assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("12a4"));
        assertThrows(Cvtnum.NumberException.class, () -> Cvtnum.parse("k"));
    }
}
