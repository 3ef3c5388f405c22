package dev.blockstep.trace.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.ImageSetup;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuIoScriptImporterTest {

    static final ImageSetup IMAGE = new ImageSetup.Fresh(16 << 20, 65536, List.of());

    @Test
    void theR1ScriptBecomesTwoAsyncWritesAndADrainWithStableCoroutineNames() throws Exception {
        Trace t = QemuIoScriptImporter.importScript("aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n",
                "r1.txt", IMAGE);
        assertEquals(List.of(
                new Command.Write(true, "w0", Producer.GUEST, 0, 65536, 0x22, false, false, false),
                new Command.Write(true, "z1", Producer.GUEST, 0, 65536, null, true, true, false),
                new Command.AioFlush(null)), t.workload());
        assertEquals(List.of(), t.schedule());
    }

    @Test
    void everyCommandKindGetsItsOwnPrefixAndBlankLinesAreSkipped() throws Exception {
        Trace t = QemuIoScriptImporter.importScript("write 0 4k\n\nread -P 0xcd 0 4k\ndiscard 0 64k\nflush\n",
                "s.txt", IMAGE);
        assertEquals(List.of("w0", "r1", "d2", "f3"), t.workload().stream().map(Command::coroutine).toList());
        assertEquals(0xcd, ((Command.Write) t.workload().get(0)).pattern());
    }

    @Test
    void anUnalignedOffsetNamesItsScriptLine() {
        ImportException e = assertThrows(ImportException.class,
                () -> QemuIoScriptImporter.importScript("write 0 4k\nwrite 1000 4k\n", "s.txt", IMAGE));
        assertEquals("s.txt:2: expected an offset that is a multiple of 512 (traces are sector-aligned), got 1000",
                e.getMessage());
    }

    @Test
    void aQemuIoSyntaxErrorKeepsQemuIosOwnText() {
        ImportException e = assertThrows(ImportException.class,
                () -> QemuIoScriptImporter.importScript("write -u 0 4k\n", "s.txt", IMAGE));
        assertEquals("s.txt:1: -u requires -z to be specified", e.getMessage());
    }

    @Test
    void aRequestPastTheVirtualSizeIsRejected() {
        ImportException e = assertThrows(ImportException.class,
                () -> QemuIoScriptImporter.importScript("flush\nwrite 16M 64k\n", "s.txt", IMAGE));
        assertEquals("s.txt:2: expected a request inside the virtual size 16777216, got one ending at 16842752",
                e.getMessage());
    }

    @Test
    void setupCommandsCarryNoCoroutineAndRefuseAio() throws Exception {
        assertEquals(List.of(new Command.Write(false, null, Producer.GUEST, 0, 65536, 0x11, false, false, false),
                        new Command.Write(false, null, Producer.GUEST, 0, 65536, null, true, false, false)),
                QemuIoScriptImporter.setup("write -P 0x11 0 64k\nwrite -z 0 64k\n", "setup.txt"));
        ImportException e = assertThrows(ImportException.class,
                () -> QemuIoScriptImporter.setup("aio_write 0 64k\n", "setup.txt"));
        assertEquals("setup.txt:1: expected a serial setup command, got aio_write", e.getMessage());
    }
}
