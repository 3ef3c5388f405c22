package dev.blockstep.engine.explore;

import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.session.DriverFactory;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.List;

/** Small workloads on the toy driver. */
final class ToyScenarios {
    static final DriverFactory TOY = ToyQcow2::new;
    static final MetadataCheck TOY_CHECK = ToyQcow2::check;

    private ToyScenarios() {
    }

    static List<QemuIoCommand> parse(String script) {
        try {
            return QemuIoParser.parseScript(script, "test");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ExploreSetup setup(String setup, String race, boolean fix) {
        HostFile base = SetupRunner.run(new HostFile(), TOY, parse(setup));
        return ExploreSetup.guestOnly("test", base, TOY, parse(race), fix);
    }

    /** R1: cluster 0 ZERO_ALLOC, then an allocating write and a write-zeroes with unmap on it. */
    static ExploreSetup minimalRace(boolean fix) {
        return setup("write -P 0x11 0 64k\nwrite -z 0 64k\n", "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n",
                fix);
    }

    static Exploration explore(ExploreSetup s, boolean reduce) {
        return new Explorer(s, new Judge(s, TOY_CHECK), reduce, 10_000_000, 1000).run();
    }
}
