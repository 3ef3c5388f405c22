package dev.blockstep.app.gui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** The most recently opened files, newest first, kept in the user's preferences. */
public final class RecentFiles {
    static final int MAX = 8;
    private final Preferences prefs;

    public RecentFiles(Preferences prefs) {
        this.prefs = prefs;
    }

    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String p = prefs.get("recent." + i, null);
            if (p != null) {
                out.add(Path.of(p));
            }
        }
        return out;
    }

    public void add(Path file) {
        List<Path> next = new ArrayList<>(list());
        Path abs = file.toAbsolutePath().normalize();
        next.remove(abs);
        next.add(0, abs);
        for (int i = 0; i < MAX; i++) {
            if (i < next.size()) {
                prefs.put("recent." + i, next.get(i).toString());
            } else {
                prefs.remove("recent." + i);
            }
        }
    }
}
