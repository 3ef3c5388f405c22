package dev.blockstep.app.gui.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.engine.snapshot.HostClusterRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostClusterPresentationTest {

    @Test
    void aliasedUnderCountedClusterCarriesBothStatesAndCheckWording() {
        HostClusterRow row = new HostClusterRow(5, 1, 2, "data", List.of(0L, 1L));
        HostClusterPresentation p = HostClusterPresentation.of(row, 65536, false);
        assertTrue(p.states().contains(Styles.ALIASED));
        assertTrue(p.states().contains(Styles.UNDER_COUNTED));
        assertTrue(p.tooltip().contains("refcount=1 reference=2"), p.tooltip());
        assertTrue(p.tooltip().contains("at 0x50000"), p.tooltip());
    }

    @Test
    void refcountPicksTheColourClass() {
        assertEquals("rc-0", HostClusterPresentation.of(new HostClusterRow(5, 0, 1, "data", List.of(0L)), 65536,
                false).refcountClass());
        assertEquals("rc-many", HostClusterPresentation.of(new HostClusterRow(5, 3, 3, "data", List.of()), 65536,
                false).refcountClass());
    }

    @Test
    void referencedClusterWithRefcountZeroIsFreed() {
        HostClusterPresentation p = HostClusterPresentation.of(new HostClusterRow(5, 0, 1, "data", List.of(0L)),
                65536, false);
        assertTrue(p.states().contains(Styles.FREED));
    }
}
