package dev.blockstep.app.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code key=value} of qemu-img create's {@code -o} lists, in the order given (a later one overrides an earlier
 * one, as QemuOpts does); {@code value} is null for a bare key, which each format then refuses in its own words. In
 * a value ",," stands for one comma, as in qemu's option syntax.
 */
record CreateOption(String key, String value) {

    static List<CreateOption> of(List<String> optionLists) {
        List<CreateOption> all = new ArrayList<>();
        for (String list : optionLists) {
            int at = 0;
            while (at < list.length()) {
                int eq = list.indexOf('=', at);
                int comma = list.indexOf(',', at);
                if (eq < 0 || comma >= 0 && comma < eq) {
                    int end = comma < 0 ? list.length() : comma;
                    all.add(new CreateOption(list.substring(at, end), null));
                    at = end + 1;
                    continue;
                }
                StringBuilder value = new StringBuilder();
                int i = eq + 1;
                while (i < list.length()) {
                    char c = list.charAt(i);
                    if (c == ',' && i + 1 < list.length() && list.charAt(i + 1) == ',') {
                        value.append(',');
                        i += 2;
                    } else if (c == ',') {
                        break;
                    } else {
                        value.append(c);
                        i++;
                    }
                }
                all.add(new CreateOption(list.substring(at, eq), value.toString()));
                at = i + 1;
            }
        }
        return all;
    }

    /**
     * qemu-img's is_valid_option_list: not empty, not starting with a comma, and not ending in an odd number of
     * commas (an unescaped trailing one); null when valid, else qemu's error line.
     */
    static String invalidList(List<String> optionLists) {
        for (String list : optionLists) {
            int trailing = 0;
            while (trailing < list.length() && list.charAt(list.length() - 1 - trailing) == ',') {
                trailing++;
            }
            if (list.isEmpty() || list.charAt(0) == ',' || trailing % 2 == 1) {
                return "qemu-img: Invalid option list: " + list;
            }
        }
        return null;
    }
}
