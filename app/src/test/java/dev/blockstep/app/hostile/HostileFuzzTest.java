package dev.blockstep.app.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's hostile-input suite with a CI budget: every fixed case plus a few seeded image mutants, each run
 * as a child JVM with -Xmx256m and a timeout. It fails on any stack trace, hang, out-of-memory, changed input,
 * output larger than qemu's, exit code unlike qemu-img's or qemu-io's, or unhelpful error. The long run for
 * release checks is {@link HostileRun#main} (200 mutants by default; see docs/hostile-input.md).
 */
class HostileFuzzTest {

    /**
     * Cases that still break a promise, by name prefix, each with the reason it is left open. They are run and
     * reported, and must still fail: once one passes, the test asks for it to be taken off this list.
     */
    static final List<String> KNOWN_OPEN = List.of(
            // the workload is not streamed: every command and its engine state stay in memory
            "run a 100000-command trace",
            // one 2 GiB - 512 write is materialised as one buffer and stored page by page
            "run a trace with one 2 GiB - 512 write",
            // every driver open reads the 32 MiB L1 table of a 2 PiB image into an array of its own
            "explore --exhaustive on a 2 PiB scenario",
            "verify a 2 PiB scenario",
            "minimize a 2 PiB scenario");

    /**
     * Known-open cases that end within their timeout on some runs and not on others: on this 2-core machine verify
     * on the 2 PiB scenario took 28.6 s against a 30 s limit once and timed out three times, and explore
     * --exhaustive on it ended in time once and timed out four times. Passing does not ask for them to leave the
     * list; they must leave it when they finish well inside the limit.
     */
    static final List<String> BORDERLINE = List.of("verify a 2 PiB scenario", "explore --exhaustive on a 2 PiB scenario",
            "minimize a 2 PiB scenario");

    @TempDir
    Path root;

    @Test
    void noHostileInputBreaksAPromise() throws Exception {
        long seed = Long.getLong("hostile.seed", 15);
        int mutants = Integer.getInteger("hostile.mutants", 6);
        System.setProperty("hostile.longTrace", System.getProperty("hostile.longTrace", "100000"));
        List<HostileCase> cases = HostileCorpus.build(root, seed, mutants);
        List<HostileRun.Result> results = HostileRun.run(cases, ChildCli.ofThisBuild(), System.out);
        System.out.println(results.size() + " hostile cases (seed " + seed + ", " + mutants + " mutants); failures "
                + "per class: " + HostileRun.counts(results));
        List<String> broken = results.stream().filter(r -> !r.failures().isEmpty() && !knownOpen(r))
                .map(HostileRun.Result::line).toList();
        Set<String> fixedNow = results.stream().filter(r -> r.failures().isEmpty() && knownOpen(r)
                        && BORDERLINE.stream().noneMatch(k -> r.c().name().startsWith(k)))
                .map(r -> r.c().name()).collect(Collectors.toSet());
        assertTrue(broken.isEmpty(), broken.size() + " hostile cases broke a promise:\n" + String.join("\n", broken));
        assertTrue(fixedNow.isEmpty(), "known-open cases now pass; take them off KNOWN_OPEN: " + fixedNow);
    }

    private static boolean knownOpen(HostileRun.Result r) {
        return KNOWN_OPEN.stream().anyMatch(k -> r.c().name().startsWith(k));
    }
}
