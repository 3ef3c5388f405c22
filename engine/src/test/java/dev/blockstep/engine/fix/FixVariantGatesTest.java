package dev.blockstep.engine.fix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which function each variant gates, as a table: the design the variants' javadoc states, pinned so that a gate
 * moved or dropped shows here first. Columns: bdrv_co_pwritev_part with ZERO_WRITE alone, with ZERO_WRITE|MAY_UNMAP,
 * with a data write's flags; bdrv_co_pwrite_zeroes; bdrv_co_pdiscard; bdrv_aligned_pwritev after detect-zeroes.
 */
class FixVariantGatesTest {

    private static String row(FixVariant v) {
        List<String> cells = new ArrayList<>();
        cells.add(v.serialisesAtPwritev(true, false) ? "Z" : "-");
        cells.add(v.serialisesAtPwritev(true, true) ? "ZU" : "-");
        cells.add(v.serialisesAtPwritev(false, false) ? "W" : "-");
        cells.add(v.serialisesInPwriteZeroes() ? "wrapper" : "-");
        cells.add(v.serialisesDiscard() ? "discard" : "-");
        cells.add(v.serialisesDetectedZeroes() ? "detected" : "-");
        return String.join(" ", cells);
    }

    @Test
    void eachVariantGatesExactlyTheFunctionsItsJavadocNames() {
        assertEquals("- - - - - -", row(FixVariant.NONE));
        assertEquals("Z ZU - - discard -", row(FixVariant.PATCH));
        assertEquals("- - - wrapper discard -", row(FixVariant.WRAPPER));
        assertEquals("- ZU - - discard -", row(FixVariant.UNMAP_ONLY));
        assertEquals("Z ZU - - discard detected", row(FixVariant.PATCH_POST_DETECT_ZEROES));
    }

    @Test
    void onlyNoneGatesNothing() {
        for (FixVariant v : FixVariant.all()) {
            assertEquals(v != FixVariant.NONE, v.gatesAnything(), v.id());
        }
    }

    @Test
    void namesRoundTripAndAnUnknownNameListsTheValidOnes() {
        for (FixVariant v : FixVariant.all()) {
            assertEquals(v, FixVariant.byId(v.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FixVariant.byId("on"));
        assertEquals("unknown fix variant 'on': expected one of none, patch, wrapper, unmap-only, "
                + "patch+post-detect-zeroes", e.getMessage());
        assertEquals(FixVariant.PATCH, FixVariant.of(true));
        assertEquals(FixVariant.NONE, FixVariant.of(false));
    }
}
