package dev.blockstep.app.gui.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.gui.Styles;
import dev.blockstep.engine.qcow2.format.L2Entry;
import dev.blockstep.engine.snapshot.L2Row;
import org.junit.jupiter.api.Test;

class L2EntryPresentationTest {

    private static final int CS = 65536;

    @Test
    void normalEntryShowsHostOffsetAndCopiedAllocatedFlags() {
        L2EntryPresentation p = L2EntryPresentation.of(new L2Row(0, 0x30000, L2Entry.normal(0x50000)), CS, false,
                false, 1);
        assertEquals("0x50000", p.text());
        assertEquals("CA", p.flags());
    }

    @Test
    void tooltipShowsTheRaw64BitValue() {
        L2EntryPresentation p = L2EntryPresentation.of(new L2Row(0, 0x30000, new L2Entry(0x8000000000050001L)), CS,
                false, false, 0);
        assertTrue(p.tooltip().contains("raw 0x8000000000050001"), p.tooltip());
    }

    @Test
    void zeroAllocEntryIsFlaggedZeroAndAllocated() {
        L2EntryPresentation p = L2EntryPresentation.of(new L2Row(0, 0x30000, new L2Entry(0x50001L)), CS, false,
                false, 1);
        assertEquals("ZA", p.flags());
        assertTrue(p.states().contains(Styles.READS_ZERO), p.states().toString());
    }

    @Test
    void entryWhoseClusterHasRefcountZeroIsMarkedFreed() {
        L2EntryPresentation p = L2EntryPresentation.of(new L2Row(0, 0x30000, L2Entry.normal(0x50000)), CS, true,
                true, 0);
        assertTrue(p.states().containsAll(java.util.Set.of(Styles.FREED, Styles.ALIASED, Styles.CHANGED)));
    }

    @Test
    void plainZeroEntryOwnsNoClusterAndIsNotFreed() {
        L2EntryPresentation p = L2EntryPresentation.of(new L2Row(0, 0x30000, L2Entry.ZERO_PLAIN), CS, false, false,
                -1);
        assertEquals("zero", p.text());
        assertEquals(java.util.Set.of(Styles.READS_ZERO), p.states());
    }
}
