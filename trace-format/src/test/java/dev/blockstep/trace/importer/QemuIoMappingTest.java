package dev.blockstep.trace.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.blockstep.trace.Command;
import dev.blockstep.trace.Producer;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuIoMappingTest {

    @Test
    void anImportedScriptMapsBackToTheCommandsQemuIoParsed() throws Exception {
        String script = "write -P 0x11 0 64k\nwrite -z 64k 64k\naio_write -z -u 0 64k\naio_write 128k 4k\n"
                + "read -P 0x11 0 64k\nread 0 512\ndiscard 0 64k\nflush\naio_flush\n";
        List<QemuIoCommand> parsed = QemuIoParser.parseScript(script, "s");
        List<QemuIoCommand> mapped = QemuIoScriptImporter.parse(script, "s").stream()
                .map(sc -> QemuIoMapping.toQemuIo(sc.command())).toList();
        assertEquals(parsed, mapped);
    }

    @Test
    void aBlockJobsRequestHasNoQemuIoCommand() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QemuIoMapping.toQemuIo(
                new Command.Write(true, "m0", Producer.MIRROR, 0, 512, null, false, false, false)));
        assertEquals("aio_write of m0 is issued by the mirror job, not by qemu-io", e.getMessage());
    }
}
