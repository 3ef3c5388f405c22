package dev.blockstep.trace.qemuio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QemuIoParserTest {

    private static QemuIoCommand parse(String line) throws QemuIoSyntaxException {
        return QemuIoParser.parseLine(line, "t", 1).orElseThrow();
    }

    private static String error(String line) {
        return assertThrows(QemuIoSyntaxException.class, () -> parse(line)).qemuText();
    }

    @Test
    void writeWithPatternAndSuffixesParses() throws Exception {
        assertEquals(new QemuIoCommand.Write(1536, 65536, 0x22, false, false, false), parse("write -P 0x22 1.5k 64k"));
        assertEquals(new QemuIoCommand.Write(0, 512, 0xcd, false, false, true), parse("write -q 0 512"));
    }

    @Test
    void clusteredAndTrailingFlagsParseAsGetoptDoes() throws Exception {
        assertEquals(new QemuIoCommand.Write(0, 4096, 0xcd, true, true, false), parse("write -zu 0 4k"));
        assertEquals(new QemuIoCommand.Write(0, 4096, 0x11, false, false, false), parse("write 0 4k -P0x11"));
    }

    @Test
    void readDiscardFlushAndAioCommandsParse() throws Exception {
        assertEquals(new QemuIoCommand.Read(0, 1024, OptionalInt.of(0), false), parse("read -P 0 0 1k"));
        assertEquals(new QemuIoCommand.Discard(1L << 20, 1L << 30, false), parse("discard 1M 1G"));
        assertEquals(new QemuIoCommand.Flush(), parse("flush"));
        assertEquals(new QemuIoCommand.AioWrite(0, 65536, 0xcd, true, true, false), parse("aio_write -z -u 0 64k"));
        assertEquals(new QemuIoCommand.AioFlush(), parse("aio_flush"));
    }

    @Test
    void qemuErrorTextsAreReproduced() {
        assertEquals("-u requires -z to be specified", error("write -u 0 4k"));
        assertEquals("Only one of -z, -P, and -s can be specified at the same time", error("write -z -P 1 0 4k"));
        assertEquals("300 is not a valid pattern byte", error("write -P 300 0 4k"));
        assertEquals("bad argument count 1 to write, expected at least 2 arguments", error("write 0"));
        assertEquals("bad argument count 1 to flush, expected 0 arguments", error("flush x"));
        assertEquals("command \"bogus\" not found", error("bogus"));
        assertEquals("Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- 12x", error("write 0 12x"));
        assertEquals("Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- 1.5", error("write 0 1.5"));
        assertEquals("Parsing error: argument too large -- 99999999999999999999999", error("write 0 99999999999999999999999"));
        assertEquals("-z supports only a single length parameter", error("aio_write -z 0 1k 2k"));
        assertEquals("write: invalid option -- 'x'", error("write -x 0 1k"));
    }

    @Test
    void cvtnumTruncatesFractionsAndAcceptsHex() throws Exception {
        assertEquals(1331, Cvtnum.parse("1.3k"));
        assertEquals(16, Cvtnum.parse("0x10"));
        assertEquals(1, Cvtnum.parse("1.0"));
        assertEquals(1, Cvtnum.parse("1b"));
        assertEquals(3L << 30, Cvtnum.parse("3G"));
    }

    @Test
    void scriptErrorsNameTheSourceAndLine() {
        var e = assertThrows(QemuIoSyntaxException.class,
                () -> QemuIoParser.parseScript("write 0 1k\n\nwrite -u 0 1k\n", "s.txt"));
        assertEquals("s.txt:3: -u requires -z to be specified", e.getMessage());
    }

    @Test
    void blankLinesAreSkipped() throws Exception {
        assertEquals(List.of(new QemuIoCommand.Flush()), QemuIoParser.parseScript("\n  \nflush\n", "s"));
    }
}
