package dev.blockstep.engine.qcow2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.event.EngineEventSink;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qemuio.EngineIo;
import dev.blockstep.engine.snapshot.HostClusterRow;
import dev.blockstep.engine.snapshot.ImageView;
import org.junit.jupiter.api.Test;

class ImageViewTest {

    @Test
    void theViewShowsTheL2EntryAndTheDataClusterAWriteCreated() throws Exception {
        HostFile f = EngineIo.run(Qcow2Create.create(16L << 20, 65536), java.util.List.of("write -P 0 128k 64k")).file();
        Qcow2Driver d = Qcow2Driver.open(f, "v", EngineEventSink.NONE);
        ImageView v = d.imageView();
        assertEquals(1, v.l2().size());
        assertEquals(2, v.l2().get(0).guestCluster());
        assertEquals(0x8000000000050000L, v.l2().get(0).entry().raw());
        HostClusterRow data = v.hostClusters().stream().filter(r -> r.hostCluster() == 5).findFirst().orElseThrow();
        assertEquals("data", data.role());
        assertEquals(1, data.refcount());
        assertEquals(1, data.references());
        assertEquals(java.util.List.of(2L), data.referencedBy());
        assertTrue(v.hostClusters().stream().noneMatch(r -> r.refcount() != r.references()));
    }
}
