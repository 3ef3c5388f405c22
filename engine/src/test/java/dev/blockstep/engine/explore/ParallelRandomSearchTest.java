package dev.blockstep.engine.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Random search on several threads is the sequential search, run for run. */
class ParallelRandomSearchTest {

    @Test
    void threadsChangeNothingButTheTime() {
        ExploreSetup s = Qcow2Scenarios.setup("write -P 0x11 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_write -P 0x33 64k 64k\naio_flush\n", false);
        for (Strategy st : Strategy.values()) {
            RandomSearch one = RandomSearch.run(s, new Judge(s, new QemuImgCheck()), 30, 7, st);
            RandomSearch three = RandomSearch.parallel(s, 30, 7, st, 3);
            assertEquals(summary(one), summary(three), st.name());
        }
    }

    private static List<Object> summary(RandomSearch r) {
        return List.of(r.runs(), r.badRuns(), r.firstBadRun(), r.engineSteps(),
                r.first() == null ? "none" : r.first().describe());
    }
}
