package dev.blockstep.engine.explore;

import dev.blockstep.engine.fix.FixVariant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fix variants × scenarios, each cell one exhaustive search (what {@code verify --matrix} prints): clean, or the
 * first counterexample's first check line and where its trace was saved.
 *
 * @param nanos wall time of all the searches together
 */
public record VariantMatrix(List<String> scenarios, List<FixVariant> variants, List<Cell> cells, long nanos) {

    public VariantMatrix {
        scenarios = List.copyOf(scenarios);
        variants = List.copyOf(variants);
        cells = List.copyOf(cells);
    }

    /** How one search ended. */
    public enum Status {
        /** Complete, and no schedule is bad. */
        CLEAN,
        /** A schedule leaves an image qemu-img check flags. */
        CORRUPTS,
        /** A schedule drifts guest data or hangs, with a clean check. */
        BAD,
        /** The search stopped at a budget before it found a bad schedule. */
        INCONCLUSIVE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One search.
     *
     * @param counterexampleFile where the first counterexample's trace was saved, or null
     */
    public record Cell(String scenario, FixVariant variant, Exploration exploration, String counterexampleFile) {
        public Status status() {
            Counterexample c = exploration.firstCounterexample();
            if (c != null) {
                return c.verdict().corrupt() ? Status.CORRUPTS : Status.BAD;
            }
            return exploration.truncated() ? Status.INCONCLUSIVE : Status.CLEAN;
        }

        /** The first counterexample's first check line (or its summary when check is clean), or null. */
        public String firstLine() {
            Counterexample c = exploration.firstCounterexample();
            if (c == null) {
                return null;
            }
            return c.verdict().checkLines().isEmpty() ? c.verdict().summary() : c.verdict().checkLines().get(0);
        }
    }

    /** Where a cell's first counterexample goes: a file name to report, or null when it is not saved. */
    @FunctionalInterface
    public interface Saver<E extends Exception> {
        String save(String name, Scenario underVariant, Counterexample first) throws E;
    }

    /**
     * Every variant on every scenario, each an exhaustive search under {@code settings} (its threads run cells at
     * once; the cells come back in the same order whatever the thread count); {@code names} label the scenarios
     * (the command line's arguments).
     */
    public static <E extends Exception> VariantMatrix run(List<Scenario> scenarios, List<String> names,
                                                          SearchSettings settings, Saver<E> saver) throws E {
        long t0 = System.nanoTime();
        List<Scenario> under = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<java.util.function.Supplier<Exploration>> searches = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            for (FixVariant v : FixVariant.all()) {
                Scenario s = scenarios.get(i).withFix(v);
                under.add(s);
                labels.add(names.get(i));
                searches.add(() -> settings.explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()), 1).run());
            }
        }
        List<Exploration> done = ParallelSearches.run(searches, settings.threads());
        List<Cell> cells = new ArrayList<>();
        for (int k = 0; k < done.size(); k++) {
            Exploration x = done.get(k);
            Scenario s = under.get(k);
            String saved = x.firstCounterexample() == null ? null : saver.save(labels.get(k), s, x.firstCounterexample());
            cells.add(new Cell(labels.get(k), s.setup().fix(), x, saved));
        }
        return new VariantMatrix(names, FixVariant.all(), cells, System.nanoTime() - t0);
    }

    public Cell cell(String scenario, FixVariant variant) {
        for (Cell c : cells) {
            if (c.scenario().equals(scenario) && c.variant() == variant) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cell " + scenario + " × " + variant.id());
    }

    /** Whether every search ran to completion. */
    public boolean complete() {
        return cells.stream().noneMatch(c -> c.exploration().truncated());
    }

    /** A grid (scenarios down, variants across), then each bad cell's first check line and trace. */
    public List<String> human() {
        int w0 = "scenario".length();
        for (String s : scenarios) {
            w0 = Math.max(w0, s.length());
        }
        List<Integer> widths = new ArrayList<>();
        StringBuilder head = new StringBuilder(pad("scenario", w0));
        for (FixVariant v : variants) {
            int w = Math.max(v.id().length(), "inconclusive".length());
            widths.add(w);
            head.append("  ").append(pad(v.id(), w));
        }
        List<String> out = new ArrayList<>();
        out.add(head.toString().stripTrailing());
        for (String s : scenarios) {
            StringBuilder row = new StringBuilder(pad(s, w0));
            for (int i = 0; i < variants.size(); i++) {
                row.append("  ").append(pad(cell(s, variants.get(i)).status().word(), widths.get(i)));
            }
            out.add(row.toString().stripTrailing());
        }
        for (Cell c : cells) {
            if (c.firstLine() != null) {
                out.add(c.scenario() + " under " + c.variant().id() + ": " + c.firstLine()
                        + (c.counterexampleFile() == null ? "" : " (" + c.counterexampleFile() + ")"));
            }
        }
        long states = cells.stream().mapToLong(c -> c.exploration().states()).sum();
        out.add(String.format("%d searches, %d states, %.1f s", cells.size(), states, nanos / 1e9));
        return out;
    }

    public String json() {
        StringBuilder sb = new StringBuilder("{\"complete\": ").append(complete());
        sb.append(", \"millis\": ").append(nanos / 1_000_000);
        sb.append(", \"variants\": [");
        for (int i = 0; i < variants.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Json.str(variants.get(i).id()));
        }
        sb.append("], \"cells\": [");
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            Exploration x = c.exploration();
            sb.append(i == 0 ? "\n  " : ",\n  ").append("{\"scenario\": ").append(Json.str(c.scenario()));
            sb.append(", \"fix\": ").append(Json.str(c.variant().id()));
            sb.append(", \"verdict\": ").append(Json.str(c.status().word()));
            sb.append(", \"states\": ").append(x.states());
            sb.append(", \"interleavings\": ").append(x.interleavings());
            sb.append(", \"millis\": ").append(x.nanos() / 1_000_000);
            if (c.firstLine() != null) {
                sb.append(", \"first\": ").append(Json.str(c.firstLine()));
                sb.append(", \"choices\": ").append(Json.str(x.firstCounterexample().describe()));
            }
            if (c.counterexampleFile() != null) {
                sb.append(", \"trace\": ").append(Json.str(c.counterexampleFile()));
            }
            sb.append('}');
        }
        return sb.append("\n]}").toString();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
