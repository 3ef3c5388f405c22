package dev.blockstep.app.gui.timeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One coroutine's swimlane: spans sorted by start and marks sorted by step, both searchable by range. */
public final class Lane {
    private final int coroutine;
    private final List<Span> spans = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();
    private String name;

    Lane(int coroutine) {
        this.coroutine = coroutine;
    }

    public int coroutine() {
        return coroutine;
    }

    /** The coroutine's name from the history (its request's start), or null when no step so far named it. */
    public String name() {
        return name;
    }

    void name(String n) {
        name = n;
    }

    public List<Span> spans() {
        return Collections.unmodifiableList(spans);
    }

    public List<Mark> marks() {
        return Collections.unmodifiableList(marks);
    }

    /** Spans that overlap steps [from, to), oldest first. Same-kind spans are disjoint, so ends grow too. */
    public List<Span> spansIn(int from, int to) {
        List<Span> out = new ArrayList<>();
        for (int i = firstSpanEndingAfter(from); i < spans.size(); i++) {
            Span s = spans.get(i);
            if (s.from() >= to) {
                break;
            }
            if (s.to() > from) {
                out.add(s);
            }
        }
        return out;
    }

    public List<Mark> marksIn(int from, int to) {
        int lo = 0;
        int hi = marks.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (marks.get(mid).step() < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        List<Mark> out = new ArrayList<>();
        for (int i = lo; i < marks.size() && marks.get(i).step() < to; i++) {
            out.add(marks.get(i));
        }
        return out;
    }

    /** Spans of different kinds interleave, so search by start and step back over at most a few open ones. */
    private int firstSpanEndingAfter(int step) {
        int lo = 0;
        int hi = spans.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (spans.get(mid).from() < step) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        // Only the last span of each kind that started before `step` can still cover it: same-kind spans
        // are disjoint, so the earlier ones ended before it began.
        java.util.EnumSet<SpanKind> seen = java.util.EnumSet.noneOf(SpanKind.class);
        int i = lo;
        while (i > 0 && seen.size() < SpanKind.values().length) {
            i--;
            seen.add(spans.get(i).kind());
        }
        return i;
    }

    void open(SpanKind kind, int step) {
        if (openIndex(kind) < 0) {
            spans.add(new Span(kind, step, Span.OPEN));
        }
    }

    void close(SpanKind kind, int end) {
        int i = openIndex(kind);
        if (i >= 0) {
            spans.set(i, spans.get(i).closedAt(Math.max(end, spans.get(i).from() + 1)));
        }
    }

    boolean isOpen(SpanKind kind) {
        return openIndex(kind) >= 0;
    }

    int openSince(SpanKind kind) {
        int i = openIndex(kind);
        return i < 0 ? -1 : spans.get(i).from();
    }

    void mark(MarkKind kind, int step, String label) {
        marks.add(new Mark(kind, step, label, -1));
    }

    void mark(MarkKind kind, int step, String label, int other) {
        marks.add(new Mark(kind, step, label, other));
    }

    /** The last span of a kind is the only one that can be open. */
    private int openIndex(SpanKind kind) {
        for (int i = spans.size() - 1; i >= 0; i--) {
            Span s = spans.get(i);
            if (s.kind() == kind) {
                return s.isOpen() ? i : -1;
            }
        }
        return -1;
    }
}
