package dev.blockstep.trace;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a trace's coroutines other names everywhere they occur: the workload, the schedule and an imported qemu
 * log (its symbols, its events and the words of their text). All names change at once, so a rename such as
 * w0 to W1 and w1 to W2 never chains. Names not in the map stay as they are.
 */
public final class CoroutineRenaming {
    private final Map<String, String> to;
    private final Pattern word;

    /**
     * @param to       old name to new name
     * @param allNames every coroutine name of the trace ({@link Trace#coroutines()}), which must stay distinct
     * @throws IllegalArgumentException when a new name is {@link Trace#MAIN_COROUTINE} or two names would merge
     */
    public CoroutineRenaming(Map<String, String> to, List<String> allNames) {
        this.to = new LinkedHashMap<>(to);
        Set<String> after = new HashSet<>();
        for (String n : allNames) {
            String m = this.to.getOrDefault(n, n);
            if (m.equals(Trace.MAIN_COROUTINE) && !n.equals(Trace.MAIN_COROUTINE)) {
                throw new IllegalArgumentException("coroutine " + n + " cannot be renamed " + m + ", which is "
                        + "reserved for qemu-io's command loop");
            }
            if (!after.add(m)) {
                throw new IllegalArgumentException("coroutine " + n + " cannot be renamed " + m
                        + ": another coroutine of the trace has that name");
            }
        }
        List<String> quoted = this.to.keySet().stream().map(Pattern::quote).toList();
        // A name is a whole word: letters, digits, '_', '.', '-' may not touch it on either side.
        this.word = quoted.isEmpty() ? null
                : Pattern.compile("(?<![\\w.-])(" + String.join("|", quoted) + ")(?![\\w.-])");
    }

    public String name(String old) {
        return old == null ? null : to.getOrDefault(old, old);
    }

    public Command apply(Command c) {
        return c.withCoroutine(name(c.coroutine()));
    }

    public ScheduleEntry apply(ScheduleEntry e) {
        return new ScheduleEntry(name(e.chosen()), e.runnable().stream().map(this::name).toList(), e.step(),
                e.reason());
    }

    public QemuLog apply(QemuLog log) {
        if (log == null) {
            return null;
        }
        Map<String, String> symbols = new LinkedHashMap<>();
        log.symbols().forEach((k, v) -> symbols.put(name(k), v));
        List<QemuEvent> events = new ArrayList<>(log.events().size());
        for (QemuEvent e : log.events()) {
            events.add(new QemuEvent(e.line(), name(e.coroutine()), e.event(), words(e.args())));
        }
        return new QemuLog(log.source(), symbols, events, log.inferred().stream().map(this::words).toList());
    }

    public Trace apply(Trace t) {
        return new Trace(t.formatVersion(), t.metadata(), t.image(), t.workload().stream().map(this::apply).toList(),
                t.fix(), t.schedule().stream().map(this::apply).toList(), t.checkpoints(), apply(t.qemuLog()), t.producer(), t.node(), t.job());
    }

    private String words(String text) {
        if (text == null || word == null) {
            return text;
        }
        Matcher m = word.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(to.get(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }
}
