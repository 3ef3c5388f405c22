package dev.blockstep.app.gui.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.blockstep.engine.session.DebugTarget;
import dev.blockstep.samples.Samples;
import dev.blockstep.trace.Trace;
import dev.blockstep.trace.io.TraceReader;
import dev.blockstep.trace.io.TraceWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace opened from a file keeps its workload as the session's source (the streaming reader's header has none),
 * so Save Trace writes the workload back and the Explore panel sees it.
 */
class TraceFileSourceTest {

    @Test
    void aTraceOpenedFromAFileSavesItsWorkloadBack(@TempDir Path dir) throws Exception {
        Trace sample = Samples.open(Samples.DEFAULT);
        Path in = dir.resolve("in.json");
        TraceWriter.write(sample, in);
        EngineWiring wiring = new EngineWiring();
        DebugTarget target = wiring.file(in).open();
        assertEquals(sample.workload(), wiring.sourceOf(target).workload());
        Path out = dir.resolve("out.json");
        wiring.saveTrace(target, out);
        assertEquals(sample.workload(), TraceReader.read(out).workload());
    }
}
