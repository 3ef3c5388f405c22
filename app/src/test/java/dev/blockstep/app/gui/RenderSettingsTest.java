package dev.blockstep.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher's and the bench's render settings, and a value given on the command line winning over them. */
class RenderSettingsTest {

    private static final String[] KEYS = {"prism.dirtyregioncount", "prism.disableRegionCaching"};
    private final Properties saved = new Properties();

    @BeforeEach
    void save() {
        for (String k : KEYS) {
            if (System.getProperty(k) != null) {
                saved.setProperty(k, System.getProperty(k));
            }
            System.clearProperty(k);
        }
    }

    @AfterEach
    void restore() {
        for (String k : KEYS) {
            System.clearProperty(k);
            if (saved.getProperty(k) != null) {
                System.setProperty(k, saved.getProperty(k));
            }
        }
    }

    @Test
    void fifteenDirtyRegionsAndBackgroundsFilledDirectly() {
        RenderSettings.beforeToolkit();
        assertEquals("15", System.getProperty("prism.dirtyregioncount"));
        assertEquals("true", System.getProperty("prism.disableRegionCaching"));
    }

    @Test
    void aValueTheUserSetWins() {
        System.setProperty("prism.dirtyregioncount", "6");
        System.setProperty("prism.disableRegionCaching", "false");
        RenderSettings.beforeToolkit();
        assertEquals("6", System.getProperty("prism.dirtyregioncount"));
        assertEquals("false", System.getProperty("prism.disableRegionCaching"));
    }
}
