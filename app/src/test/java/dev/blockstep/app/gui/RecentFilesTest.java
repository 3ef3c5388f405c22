package dev.blockstep.app.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecentFilesTest {

    private final Preferences prefs = Preferences.userRoot().node("dev/blockstep/gui-test-recent");

    @AfterEach
    void clear() throws Exception {
        prefs.removeNode();
    }

    @Test
    void reopeningAFileMovesItToTheTopWithoutDuplicates() {
        RecentFiles r = new RecentFiles(prefs);
        r.add(Path.of("/t/a.json"));
        r.add(Path.of("/t/b.json"));
        r.add(Path.of("/t/a.json"));
        assertEquals(List.of(Path.of("/t/a.json"), Path.of("/t/b.json")), r.list());
    }

    @Test
    void onlyTheNewestEightAreKept() {
        RecentFiles r = new RecentFiles(prefs);
        for (int i = 0; i < 10; i++) {
            r.add(Path.of("/t/" + i + ".json"));
        }
        assertEquals(RecentFiles.MAX, r.list().size());
        assertEquals(Path.of("/t/9.json"), r.list().get(0));
    }
}
