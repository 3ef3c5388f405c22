package dev.blockstep.app.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's hostile-input suite with a CI budget: every fixed case plus a few seeded image mutants, each run as a
 * child JVM with -Xmx256m and a CPU-time budget ({@link HangWatch}). It fails on any stack trace, hang,
 * out-of-memory, changed input, output larger than qemu's, exit code unlike qemu-img's or qemu-io's, or unhelpful
 * error; every case is asserted, the 100,000-command trace, the 2 GiB write and the 2 PiB searches included. The
 * long run for release checks is {@link HostileRun#main} (200 mutants by default; see docs/hostile-input.md).
 */
class HostileFuzzTest {

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
        List<String> broken = results.stream().filter(r -> !r.failures().isEmpty())
                .map(HostileRun.Result::line).toList();
        assertTrue(broken.isEmpty(), broken.size() + " hostile cases broke a promise:\n" + String.join("\n", broken));
    }
}
