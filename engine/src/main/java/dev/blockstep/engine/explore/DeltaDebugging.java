package dev.blockstep.engine.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Zeller's ddmin: shrinks a list that makes a test fail to a 1-minimal one (removing any single element makes
 * it pass), trying complements of ever smaller chunks.
 */
public final class DeltaDebugging {
    private DeltaDebugging() {
    }

    /** @param fails true when the candidate still shows the failure; must hold for {@code items} */
    public static <T> List<T> ddmin(List<T> items, Predicate<List<T>> fails) {
        List<T> current = new ArrayList<>(items);
        int n = 2;
        while (current.size() >= 2) {
            int chunk = (int) Math.ceil(current.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < current.size(); start += chunk) {
                List<T> complement = new ArrayList<>(current.subList(0, start));
                complement.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                List<T> subset = current.subList(start, Math.min(current.size(), start + chunk));
                if (n > 2 || chunk < current.size()) {
                    if (subset.size() < current.size() && fails.test(new ArrayList<>(subset))) {
                        current = new ArrayList<>(subset);
                        n = 2;
                        reduced = true;
                        break;
                    }
                }
                if (!complement.isEmpty() && fails.test(complement)) {
                    current = complement;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= current.size()) {
                    break;
                }
                n = Math.min(current.size(), n * 2);
            }
        }
        if (current.size() == 1 && fails.test(List.of())) {
            return List.of();
        }
        return current;
    }
}
