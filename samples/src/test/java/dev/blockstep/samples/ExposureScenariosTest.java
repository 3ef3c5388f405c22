package dev.blockstep.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.engine.explore.Exploration;
import dev.blockstep.engine.explore.Explorer;
import dev.blockstep.engine.explore.Judge;
import dev.blockstep.engine.explore.QemuImgCheck;
import dev.blockstep.engine.explore.Run;
import dev.blockstep.engine.explore.Scenario;
import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.testing.Qemu;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios of the exposure paths (nbd-zero-race, detect-zeroes-race), explored exhaustively: every corrupt end
 * image the engine reaches is checked by the real qemu-img, which must print the signature the real runs left
 * (their descriptions give the measurements), and the fix's effect is what the descriptions say.
 */
class ExposureScenariosTest {

    /** What qemu-img check printed on stderr for the images real qemu 7.2 left in these workloads. */
    private static final String REAL = "ERROR cluster 5 refcount=0 reference=1\n"
            + "ERROR OFLAG_COPIED data cluster: l2_entry=8000000000050000 refcount=0\n";

    private static Scenario load(String name) throws Exception {
        try (InputStream in = ExposureScenariosTest.class.getResourceAsStream("/scenarios/" + name + ".json")) {
            return Scenario.load(in, name + ".json");
        }
    }

    private static Exploration explore(Scenario s) {
        Exploration x = new Explorer(s.setup(), new Judge(s.setup(), new QemuImgCheck()), true, 2_000_000, 1).run();
        assertFalse(x.truncated());
        return x;
    }

    /** Every corrupt end image of the unfixed scenario, checked by the real qemu-img; returns how many there are. */
    private static int corruptImagesMatchRealQemu(String name, Path tmp) throws Exception {
        Scenario s = load(name).withFix(FixVariant.NONE);
        int corrupt = 0;
        for (Exploration.EndState e : explore(s).endStates().values()) {
            if (!e.verdict().corrupt()) {
                continue;
            }
            corrupt++;
            Path image = tmp.resolve(name + "-" + Long.toHexString(e.verdict().imageHash()) + ".qcow2");
            Run.replay(s.setup(), e.first().choices()).engine().file().save(image);
            Qemu.Result check = Qemu.img("check", image.toString());
            assertEquals(2, check.exitCode(), name + ": " + check.stdout());
            assertEquals(REAL, check.stderr(), name);
        }
        return corrupt;
    }

    @Test
    void nbdZeroRaceCorruptsAsRealQemuNbdDidAndTheFixClosesIt(@TempDir Path tmp) throws Exception {
        assertTrue(corruptImagesMatchRealQemu("nbd-zero-race", tmp) > 0);
        assertEquals(0, explore(load("nbd-zero-race").withFix(FixVariant.PATCH)).badEndStates());
    }

    @Test
    void detectZeroesRaceCorruptsAsRealQemuDidAndTheFixDoesNotCloseIt(@TempDir Path tmp) throws Exception {
        assertTrue(corruptImagesMatchRealQemu("detect-zeroes-race", tmp) > 0);
        assertTrue(explore(load("detect-zeroes-race").withFix(FixVariant.PATCH)).corruptEndStates() > 0,
                "the conversion comes after the serialising decision");
    }
}
