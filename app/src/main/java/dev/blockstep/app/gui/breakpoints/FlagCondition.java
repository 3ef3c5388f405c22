package dev.blockstep.app.gui.breakpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A condition on one of the request's flags: set, or clear. */
public record FlagCondition(RequestFlag flag, boolean set) {

    public FlagCondition {
        Objects.requireNonNull(flag);
    }

    public boolean holds(int flags) {
        return flag.in(flags) == set;
    }

    /** Every condition the form offers, each flag set and then clear. */
    public static List<FlagCondition> all() {
        List<FlagCondition> out = new ArrayList<>();
        for (RequestFlag f : RequestFlag.values()) {
            out.add(new FlagCondition(f, true));
            out.add(new FlagCondition(f, false));
        }
        return List.copyOf(out);
    }

    /** E.g. "BDRV_REQ_MAY_UNMAP set". */
    public String describe() {
        return flag.qemuName() + (set ? " set" : " clear");
    }

    @Override
    public String toString() {
        return describe();
    }
}
