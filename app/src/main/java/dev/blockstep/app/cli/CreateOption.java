package dev.blockstep.app.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code key=value} of qemu-img create's {@code -o} lists, in the order given (a later one overrides an earlier
 * one, as QemuOpts does); {@code value} is null for a bare key, which each format then refuses in its own words.
 */
record CreateOption(String key, String value) {

    static List<CreateOption> of(List<String> optionLists) {
        List<CreateOption> all = new ArrayList<>();
        for (String list : optionLists) {
            for (String kv : list.split(",")) {
                String[] p = kv.split("=", 2);
                all.add(new CreateOption(p[0], p.length < 2 ? null : p[1]));
            }
        }
        return all;
    }
}
