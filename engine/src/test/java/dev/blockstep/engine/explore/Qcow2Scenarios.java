package dev.blockstep.engine.explore;

import dev.blockstep.engine.fix.FixVariant;
import dev.blockstep.engine.image.HostFile;
import dev.blockstep.engine.qcow2.Qcow2Create;
import dev.blockstep.trace.qemuio.QemuIoCommand;
import dev.blockstep.trace.qemuio.QemuIoParser;
import java.util.List;

/** Small workloads on the real qcow2 driver, on a fresh 16 MiB image with 64 KiB clusters. */
public final class Qcow2Scenarios {
    public static final String NAME = "test.qcow2";

    private Qcow2Scenarios() {
    }

    public static HostFile fresh() {
        try {
            return Qcow2Create.create(16 << 20, 65536);
        } catch (Qcow2Create.CreateException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<QemuIoCommand> parse(String script) {
        try {
            return QemuIoParser.parseScript(script, "test");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static ExploreSetup setup(String setup, String race, boolean fix) {
        HostFile base = SetupRunner.run(fresh(), NAME, parse(setup));
        return ExploreSetup.guestOnly(NAME, base, parse(race), FixVariant.of(fix));
    }

    static ExploreSetup minimalRace(boolean fix) {
        return setup("write -P 0x11 0 64k\nwrite -z 0 64k\n",
                "aio_write -P 0x22 0 64k\naio_write -z -u 0 64k\naio_flush\n", fix);
    }

    static Exploration explore(ExploreSetup s, boolean reduce) {
        return new Explorer(s, new Judge(s, new QemuImgCheck()), reduce, 10_000_000, 1000).run();
    }
}
