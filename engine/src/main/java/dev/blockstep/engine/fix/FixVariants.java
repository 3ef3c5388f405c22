package dev.blockstep.engine.fix;

import dev.blockstep.trace.FixSetting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A trace's fix section (variant names) as the engine's variants, and back. */
public final class FixVariants {
    private FixVariants() {
    }

    /** @throws IllegalArgumentException naming the place ("fix.initial") and the valid names */
    public static FixVariant initial(FixSetting f) {
        return named(f.initial(), "fix.initial");
    }

    /**
     * Step index before which each change applies, and its variant.
     *
     * @throws IllegalArgumentException naming the place ("fix.flips[i].variant") and the valid names
     */
    public static TreeMap<Long, FixVariant> changes(FixSetting f) {
        TreeMap<Long, FixVariant> m = new TreeMap<>();
        for (int i = 0; i < f.changes().size(); i++) {
            FixSetting.Change c = f.changes().get(i);
            m.put(c.step(), named(c.variant(), "fix.flips[" + i + "].variant"));
        }
        return m;
    }

    /** The fix section of a run that started under {@code initial} and changed before the given steps. */
    public static FixSetting setting(FixVariant initial, Map<Integer, FixVariant> changes) {
        List<FixSetting.Change> cs = new ArrayList<>();
        FixVariant now = initial;
        for (Map.Entry<Integer, FixVariant> e : new TreeMap<>(changes).entrySet()) {
            if (e.getKey() > 0 && e.getValue() != now) {
                cs.add(new FixSetting.Change(e.getKey(), e.getValue().id()));
            }
            now = e.getKey() > 0 ? e.getValue() : now;
        }
        return new FixSetting(initial.id(), cs);
    }

    private static FixVariant named(String id, String place) {
        try {
            return FixVariant.byId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(place + ": " + e.getMessage(), e);
        }
    }
}
