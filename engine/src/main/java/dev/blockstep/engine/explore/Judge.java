package dev.blockstep.engine.explore;

/** Judges the end of a run: metadata check, data oracle, hang. */
public final class Judge {
    private final MetadataCheck check;
    private final DataOracle oracle;

    public Judge(ExploreSetup setup, MetadataCheck check) {
        this.check = check;
        this.oracle = new DataOracle(setup);
    }

    /**
     * The guest node's image and every image its block job wrote (a commit's base, a mirror's target, which the
     * guest uses after the pivot) are checked; their lines are prefixed with the image's name.
     */
    public Verdict judge(Run run) {
        var file = run.engine().file();
        long hash = file.contentHash();
        var errors = new java.util.ArrayList<>(check.errors(file));
        for (var image : run.engine().jobImages()) {
            hash = hash * 31 + image.driver().file().contentHash();
            check.errors(image.driver().file()).forEach(l -> errors.add(image.name() + ": " + l));
        }
        var drifts = oracle.check(run);
        return new Verdict(hash, errors, !errors.isEmpty(), drifts, run.engine().node().stderrLines(),
                run.engine().stuck());
    }
}
