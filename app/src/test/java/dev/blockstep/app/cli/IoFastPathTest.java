package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * IoFastPath against picocli: on every command line the fast path takes, picocli fills IoCommand with the same
 * values; on those it leaves alone, picocli is the one that answers.
 */
class IoFastPathTest {

    /** Words a command line is drawn from: every io option, values, and the forms the fast path must leave alone. */
    private static final List<String> WORDS = List.of("-c", "read 0 512", "write -P 1 0 64k", "", "-f", "qcow2",
            "raw", "-r", "--read-only", "-n", "--nocache", "-t", "--cache", "none", "writethrough", "-i", "--aio",
            "threads", "native", "--seed", "7", "010", "+3", "x", "99999999999999999999", "--fix", "--fix=patch",
            "--fix=wrapper", "--fix=nope", "--fix=a.json", "wrapper", "--image-opts", "img.qcow2", "other.qcow2",
            "a/b.qcow2", "-rn", "-fqcow2", "-c=read", "--seed=3", "--", "-h", "--help", "-V", "@args", "-", "-x",
            "--cache=none", "driver=qcow2,file.filename=i");

    /** One model for every parse: building it is what takes the time, and picocli resets it for each parse. */
    private static final CommandLine CLI = new CommandLine(new Main());

    /** What picocli made of {@code args}, or null when it refused them or stopped for help. */
    private static IoCommand picocli(String[] args) {
        CommandLine cli = CLI;
        try {
            CommandLine.ParseResult p = cli.parseArgs(args);
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested() || !p.hasSubcommand()
                    || p.subcommand().isUsageHelpRequested() || p.subcommand().isVersionHelpRequested()) {
                return null;
            }
            return (IoCommand) p.subcommand().commandSpec().userObject();
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    private static List<Object> values(IoCommand io) {
        return Arrays.asList(io.commands, io.fix.chosen(), io.seed, io.format, io.readOnly, io.nocache, io.cache,
                io.aio, io.imageOpts, io.image);
    }

    private static void agree(String[] args) {
        IoCommand fast = IoFastPath.parse(args);
        if (fast == null) {
            return;
        }
        IoCommand slow = picocli(args);
        assertNotNull(slow, () -> "picocli refuses what the fast path took: " + Arrays.toString(args));
        assertEquals(values(slow), values(fast), () -> Arrays.toString(args));
    }

    @Test
    void agreesWithPicocliOnEveryCommandLineItTakes() {
        Random r = new Random(16);
        int taken = 0;
        for (int n = 0; n < 4000; n++) {
            List<String> args = new ArrayList<>(List.of("io"));
            int len = r.nextInt(7);
            for (int i = 0; i < len; i++) {
                args.add(WORDS.get(r.nextInt(WORDS.size())));
            }
            if (r.nextBoolean()) {
                args.add("img.qcow2");
            }
            String[] a = args.toArray(String[]::new);
            agree(a);
            if (IoFastPath.parse(a) != null) {
                taken++;
            }
        }
        // the comparison means something only if the fast path took a fair share of them
        assertTrue(taken > 400, "the fast path took " + taken + " of 4000");
    }

    @Test
    void takesTheCommandLinesScriptsAndBenchmarksUse() {
        List<String[]> common = List.of(
                new String[] {"io", "img.qcow2"},
                new String[] {"io", "-f", "qcow2", "img.qcow2"},
                new String[] {"io", "-c", "read 0 512", "-c", "write -P 1 0 512", "img.qcow2"},
                new String[] {"io", "--seed", "7", "--fix=patch", "img.qcow2"},
                new String[] {"io", "img.qcow2", "--fix"},
                new String[] {"io", "-r", "-n", "-t", "none", "-i", "threads", "img.qcow2"},
                new String[] {"io", "--image-opts", "driver=qcow2,file.filename=img.qcow2"});
        for (String[] a : common) {
            assertNotNull(IoFastPath.parse(a), Arrays.toString(a));
            agree(a);
        }
    }

    @Test
    void leavesHelpErrorsAndUnusualFormsToPicocli() {
        List<String[]> others = List.of(
                new String[] {"io"},
                new String[] {"io", "--help"},
                new String[] {"io", "-h", "img"},
                new String[] {"io", "-rn", "img"},
                new String[] {"io", "-r", "-r", "img"},
                new String[] {"io", "-t", "none", "--cache", "none", "img"},
                new String[] {"io", "--seed", "x", "img"},
                new String[] {"io", "--fix", "wrapper", "img"},
                new String[] {"io", "--fix=nope", "img"},
                new String[] {"io", "a", "b"},
                new String[] {"io", "@args"},
                new String[] {"io", "--", "img"},
                new String[] {"io", "-c", "-r", "img"},
                new String[] {"check", "img"});
        for (String[] a : others) {
            assertNull(IoFastPath.parse(a), Arrays.toString(a));
        }
    }
}
