package dev.blockstep.app.cli;

import dev.blockstep.engine.testing.Qemu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One script through real qemu-io and through {@code blockstep io} on copies of one image: the differences in
 * stdout (timing figures masked, prompts on lines of their own), stderr, exit status and image bytes.
 */
final class IoParity {
    private static final Pattern TIMING = Pattern.compile("[0-9.]+ (bytes|KiB|MiB|GiB), 1 ops; .*");
    /** print_report's -C line: bytes and ops are compared, the time and both rates only by their shape. */
    private static final Pattern PARSABLE = Pattern.compile(
            "([0-9]+,1),[0-9]+:[0-9]{2}:[0-9]{2}\\.[0-9]{2},(inf|[0-9]+\\.[0-9]{3}),(inf|[0-9]+\\.[0-9]{3})");

    private IoParity() {
    }

    /** What qemu-io did with the script, to compare several blockstep runs against. */
    record QemuRun(Qemu.Result result, byte[] image) {
    }

    static QemuRun qemu(Path base, Path work, List<String> lines, boolean stdin) throws Exception {
        return qemu(base, work, List.of("-f", "qcow2"), lines, stdin);
    }

    /** As above, with qemu-io's command-line {@code options} before the commands. */
    static QemuRun qemu(Path base, Path work, List<String> options, List<String> lines, boolean stdin)
            throws Exception {
        Files.copy(base, work, StandardCopyOption.REPLACE_EXISTING);
        List<String> args = new ArrayList<>(options);
        if (!stdin) {
            args.addAll(dashC(lines));
        }
        args.add(work.toString());
        Qemu.Result q = Qemu.run("qemu-io", args, stdin ? String.join("\n", lines) + "\n" : "");
        return new QemuRun(q, Files.readAllBytes(work));
    }

    /**
     * Runs {@code blockstep io} with {@code mode} (e.g. --seed 7) on a copy of base and adds one line per
     * difference from {@code q} to failures, each starting with {@code how}.
     */
    static void compare(QemuRun q, Path base, Path work, List<String> lines, boolean stdin, List<String> mode,
                        String how, List<String> failures) throws Exception {
        Files.copy(base, work, StandardCopyOption.REPLACE_EXISTING);
        List<String> args = new ArrayList<>(List.of("io"));
        args.addAll(mode);
        if (!stdin) {
            args.addAll(dashC(lines));
        }
        args.add(work.toString());
        CreateAndIoCommandTest.Run r = CreateAndIoCommandTest.run(stdin ? String.join("\n", lines) + "\n" : null,
                args.toArray(String[]::new));
        differ(failures, how + " stdout", masked(q.result().stdout()), masked(r.stdout()));
        differ(failures, how + " stderr", q.result().stderr().lines().toList(), r.stderr().lines().toList());
        differ(failures, how + " exit status", List.of(q.result().exitCode()), List.of(r.exitCode()));
        if (!Arrays.equals(q.image(), Files.readAllBytes(work))) {
            failures.add(how + ": the images differ");
        }
    }

    static List<String> dashC(List<String> lines) {
        List<String> a = new ArrayList<>();
        for (String l : lines) {
            a.add("-c");
            a.add(l);
        }
        return a;
    }

    /** stdout split after each newline and after each prompt, timing figures (and -C's) replaced. */
    static List<String> masked(String stdout) {
        List<String> out = new ArrayList<>();
        for (String l : stdout.replace("qemu-io> ", "qemu-io> \n").split("\n", -1)) {
            java.util.regex.Matcher parsable = PARSABLE.matcher(l);
            out.add(TIMING.matcher(l).matches() ? "<timing>" : parsable.matches() ? parsable.group(1) + ",<timing>" : l);
        }
        return out;
    }

    private static <T> void differ(List<String> failures, String what, List<T> qemu, List<T> ours) {
        if (!qemu.equals(ours)) {
            failures.add(what + " differs\n  qemu-io:   " + qemu + "\n  blockstep: " + ours);
        }
    }
}
