package dev.blockstep.engine.explore;

/** Judges the end of a run: metadata check, data oracle, hang. */
public final class Judge {
    private final MetadataCheck check;
    private final DataOracle oracle;

    public Judge(ExploreSetup setup, MetadataCheck check) {
        this.check = check;
        this.oracle = new DataOracle(setup);
    }

    public Verdict judge(Run run) {
        var file = run.engine().file();
        long hash = file.contentHash();
        var errors = check.errors(file);
        var drifts = oracle.check(run);
        return new Verdict(hash, errors, !errors.isEmpty(), drifts, run.engine().node().stderrLines(),
                run.engine().stuck());
    }
}
