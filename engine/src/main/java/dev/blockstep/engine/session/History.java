package dev.blockstep.engine.session;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.snapshot.Step;
import dev.blockstep.engine.snapshot.StepHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A session's history and its only owner: which coroutine took each step, the steps themselves, the fix flips
 * and the checkpoints. Choices may run ahead of steps when a recorded schedule is being followed. The recorded
 * schedule the session started with is kept, so a restart brings it back.
 */
final class History {
    private List<Integer> recordedChoices;
    private Map<Integer, FixVariant> recordedFlips;
    private final List<Integer> choices = new ArrayList<>();
    private StepHistory.Builder steps = new StepHistory.Builder();
    /** Fix variant set just before step i (i = the step index at the time of the flip). */
    private final TreeMap<Integer, FixVariant> flips = new TreeMap<>();
    private final TreeMap<Integer, Checkpoint> checkpoints = new TreeMap<>();

    History(List<Integer> recordedChoices, Map<Integer, FixVariant> recordedFlips) {
        this.recordedChoices = List.copyOf(recordedChoices);
        this.recordedFlips = Map.copyOf(recordedFlips);
        reset();
    }

    /** Back to what the session started with: the recorded schedule and flips, nothing taken. */
    void reset() {
        choices.clear();
        choices.addAll(recordedChoices);
        flips.clear();
        flips.putAll(recordedFlips);
        checkpoints.clear();
        steps = new StepHistory.Builder();
    }

    /** Every known choice and flip becomes the recording a {@link #reset} comes back to. */
    void keepAsRecording() {
        recordedChoices = List.copyOf(choices);
        recordedFlips = Map.copyOf(flips);
    }

    /** Steps known: taken, plus the recorded ones still ahead. */
    int length() {
        return choices.size();
    }

    int choice(int i) {
        return choices.get(i);
    }

    /** Whether step i was taken before (so a replay must not add it again). */
    boolean taken(int i) {
        return i < steps.size();
    }

    /** Steps taken at some point, the current position or past it (going back keeps them). */
    int takenCount() {
        return steps.size();
    }

    Step step(int i) {
        return steps.get(i);
    }

    /** Step i was just taken for the first time; a step past the known choices extends them. */
    void taken(int i, Step s) {
        if (i == choices.size()) {
            choices.add(s.coroutine());
        }
        steps.append(s);
    }

    /** Drops everything after step {@code position}: a different step or a flip there starts a new future. */
    void truncate(int position) {
        if (position < choices.size()) {
            choices.subList(position, choices.size()).clear();
        }
        steps.truncate(position);
        flips.tailMap(position, false).clear();
        checkpoints.tailMap(position, false).clear();
    }

    StepHistory steps(int position) {
        return steps.view(position);
    }

    List<Integer> schedule(int position) {
        return List.copyOf(choices.subList(0, position));
    }

    FixVariant flipAt(int i) {
        return flips.get(i);
    }

    void flip(int i, FixVariant v) {
        flips.put(i, v);
    }

    TreeMap<Integer, FixVariant> flips(int position) {
        return new TreeMap<>(flips.headMap(position, true));
    }

    Map.Entry<Integer, Checkpoint> checkpointAtOrBefore(int n) {
        return checkpoints.floorEntry(n);
    }

    NavigableMap<Integer, Checkpoint> checkpoints() {
        return checkpoints;
    }

    /** Keeps a checkpoint when at least {@code every} steps from its neighbours. */
    void maybeCheckpoint(int position, int every, java.util.function.Supplier<Checkpoint> take) {
        Integer before = checkpoints.floorKey(position);
        Integer after = checkpoints.ceilingKey(position);
        if ((before == null ? 0 : before) + every > position || after != null && after - position < every) {
            return;
        }
        Checkpoint cp = take.get();
        if (cp != null) {
            checkpoints.put(position, cp);
        }
    }
}
