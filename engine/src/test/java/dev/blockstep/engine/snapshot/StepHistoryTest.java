package dev.blockstep.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepHistoryTest {

    private static Step step(int i, int co) {
        return new Step(i, co, "s" + i, List.of(co), -1, 0, -1, 0, List.of(), "", List.of());
    }

    private static List<String> names(List<Step> steps) {
        return steps.stream().map(s -> s.coroutine() + " " + s.name()).toList();
    }

    @Test
    void aViewCannotBeChangedThroughAnyListMethod() {
        StepHistory.Builder b = new StepHistory.Builder();
        b.append(step(0, 1));
        b.append(step(1, 1));
        StepHistory h = b.view(2);
        Step other = step(9, 9);
        assertThrows(UnsupportedOperationException.class, () -> h.add(other));
        assertThrows(UnsupportedOperationException.class, () -> h.add(0, other));
        assertThrows(UnsupportedOperationException.class, () -> h.set(0, other));
        assertThrows(UnsupportedOperationException.class, () -> h.remove(0));
        assertThrows(UnsupportedOperationException.class, h::clear);
        assertThrows(UnsupportedOperationException.class, () -> h.addAll(List.of(other)));
        assertThrows(UnsupportedOperationException.class, () -> h.removeIf(s -> true));
        assertThrows(UnsupportedOperationException.class, () -> h.subList(0, 1).clear());
        assertThrows(UnsupportedOperationException.class, () -> {
            var it = h.iterator();
            it.next();
            it.remove();
        });
        assertThrows(IndexOutOfBoundsException.class, () -> h.get(2));
        assertEquals(2, h.size());
    }

    @Test
    void aViewKeepsItsStepsWhateverTheBuilderDoesAfterwards() {
        StepHistory.Builder b = new StepHistory.Builder();
        for (int i = 0; i < 100; i++) {
            b.append(step(i, 1));
        }
        StepHistory whole = b.view(100);
        StepHistory prefix = b.view(40);
        List<String> before = names(whole);
        // Go back to 30 and take a different future, long enough to outgrow the array too.
        b.truncate(30);
        for (int i = 30; i < 300; i++) {
            b.append(step(i, 2));
        }
        assertEquals(before, names(whole));
        assertEquals(before.subList(0, 40), names(prefix));
        assertEquals(2, b.view(300).get(30).coroutine());
    }

    @Test
    void commonPrefixFindsWhereTwoHistoriesPart() {
        StepHistory.Builder b = new StepHistory.Builder();
        for (int i = 0; i < 10; i++) {
            b.append(step(i, 1));
        }
        StepHistory ten = b.view(10);
        assertEquals(4, StepHistory.commonPrefix(ten, b.view(4)));
        b.truncate(6);
        b.append(step(6, 2));
        assertEquals(6, StepHistory.commonPrefix(ten, b.view(7)));
        assertEquals(3, StepHistory.commonPrefix(StepHistory.of(ten.subList(0, 3)), ten));
        assertSame(ten, StepHistory.of(ten));
    }
}
