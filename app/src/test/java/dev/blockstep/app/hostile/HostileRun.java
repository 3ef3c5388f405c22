package dev.blockstep.app.hostile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the hostile corpus and counts the cases in each failure class. {@code main} is the long run for release
 * checks: {@code java -cp app/target/test-classes:app/target/blockstep.jar dev.blockstep.app.hostile.HostileRun
 * [SEED] [MUTANTS]} (add {@code -Dhostile.cp=JAR} to measure another build's CLI).
 */
final class HostileRun {

    record Result(HostileCase c, Outcome o, Set<Failure> failures) {
        String line() {
            String err = o.stderr().strip().replace('\n', '|');
            return c.name() + ": exit " + o.exit() + " in " + o.millis() + " ms (cpu " + o.cpuMillis() + " ms) "
                    + failures + " " + (err.length() > 300 ? err.substring(0, 300) + "..." : err);
        }
    }

    private HostileRun() {
    }

    static List<Result> run(List<HostileCase> cases, ChildCli cli, PrintStream log)
            throws IOException, InterruptedException {
        List<Result> results = new ArrayList<>();
        for (HostileCase c : cases) {
            Map<Path, String> before = CaseJudge.checksums(c);
            Outcome o = cli.run(c);
            Result r = new Result(c, o, CaseJudge.judge(c, o, before));
            results.add(r);
            log.println((r.failures().isEmpty() ? "ok   " : "FAIL ") + r.line());
            cleanOutputs(c);
        }
        return results;
    }

    /** Outputs are measured, then deleted, so one case's big file never fills the disk for the next. */
    private static void cleanOutputs(HostileCase c) throws IOException {
        for (Path p : c.outputs()) {
            Files.deleteIfExists(p);
        }
    }

    static Map<Failure, Integer> counts(List<Result> results) {
        Map<Failure, Integer> m = new EnumMap<>(Failure.class);
        for (Failure f : Failure.values()) {
            m.put(f, 0);
        }
        results.forEach(r -> r.failures().forEach(f -> m.merge(f, 1, Integer::sum)));
        return m;
    }

    public static void main(String[] args) throws Exception {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int mutants = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path root = Files.createTempDirectory("blockstep-hostile");
        List<Result> results = run(HostileCorpus.build(root, seed, mutants), ChildCli.ofThisBuild(), System.out);
        long bad = results.stream().filter(r -> !r.failures().isEmpty()).count();
        System.out.println(results.size() + " cases, " + bad + " broke a promise; per class: " + counts(results));
        System.out.println("cases are in " + root);
        System.exit(bad == 0 ? 0 : 1);
    }
}
