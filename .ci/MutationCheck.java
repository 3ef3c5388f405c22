import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Mutation check: each mutant in the list (see .ci/mutants.txt for the format) is applied to a scratch copy
 * of the tree, never to the working tree, and its test classes must then fail. Usage, from the repository
 * root, after the modules were built: {@code java .ci/MutationCheck.java [--no-baseline] .ci/mutants.txt [NAME...]}.
 * First the listed tests run on the unmutated copy and must pass; {@code --no-baseline} skips that when the same
 * tree has just passed {@code mvn verify}.
 * Exit 0 when every mutant is killed; 1 when one survives or its run breaks; 2 on a bad list or a failing
 * baseline.
 */
public final class MutationCheck {
    record Edit(String find, String replace, int line) { }

    record FileEdits(String path, List<Edit> edits) { }

    record Mutant(String name, int line, String module, List<FileEdits> files, List<String> tests) { }

    /** What one test run showed: the failing tests ("Class.method"), or why it produced no verdict. */
    record Outcome(List<String> failed, String problem) { }

    /** The mutant list is malformed or out of date; the message is one line naming the place. */
    static final class BadList extends Exception {
        BadList(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        boolean baseline = args.length == 0 || !args[0].equals("--no-baseline");
        if (!baseline) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length < 1) {
            System.err.println("usage: java .ci/MutationCheck.java [--no-baseline] MUTANTS_FILE [NAME...]");
            System.exit(2);
        }
        Path root = Path.of("").toAbsolutePath();
        Path list = Path.of(args[0]);
        List<Mutant> mutants;
        try {
            mutants = select(parse(list), List.of(args).subList(1, args.length));
            for (Mutant m : mutants) {
                for (FileEdits f : m.files()) {
                    Path p = root.resolve(f.path());
                    if (!Files.isRegularFile(p)) {
                        throw new BadList(list + ":" + m.line() + ": mutant " + m.name() + ": expected the file "
                                + f.path() + " to exist (did the code move?)");
                    }
                    apply(list, m, f, Files.readString(p));
                }
            }
        } catch (BadList e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path scratch = Files.createTempDirectory("blockstep-mutants");
        // Also on Ctrl-C or a CI timeout: stop the test run in progress and remove the copy.
        Thread cleanup = new Thread(() -> {
            Process p = running;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            try {
                deleteTree(scratch);
            } catch (IOException e) {
                System.err.println("could not remove " + scratch + ": " + e.getMessage());
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        copyTree(root, scratch);
        System.exit(run(list, mutants, scratch, baseline));
    }

    /** The Maven run in progress, for the shutdown hook. */
    private static volatile Process running;

    private static int run(Path list, List<Mutant> mutants, Path scratch, boolean baseline) throws Exception {
        Map<String, Set<String>> byModule = new LinkedHashMap<>();
        for (Mutant m : mutants) {
            if (baseline) {
                byModule.computeIfAbsent(m.module(), k -> new LinkedHashSet<>()).addAll(m.tests());
            }
        }
        for (var e : byModule.entrySet()) {
            System.out.println("baseline: " + e.getKey() + " " + String.join(",", e.getValue()));
            Outcome base = runTests(scratch, e.getKey(), List.copyOf(e.getValue()));
            if (base.problem() != null || !base.failed().isEmpty()) {
                System.err.println("baseline run of the unmutated tree does not pass: "
                        + (base.problem() != null ? base.problem() : String.join(", ", base.failed())));
                return 2;
            }
        }
        List<String[]> rows = new ArrayList<>();
        boolean allKilled = true;
        for (Mutant m : mutants) {
            Map<Path, String> originals = new LinkedHashMap<>();
            try {
                for (FileEdits f : m.files()) {
                    Path p = scratch.resolve(f.path());
                    String before = Files.readString(p);
                    originals.putIfAbsent(p, before);
                    Files.writeString(p, apply(list, m, f, before));
                    // A newer stamp than the copied classes makes the compiler rebuild the module.
                    Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
                }
                long t0 = System.nanoTime();
                System.out.println("mutant " + m.name() + ": running " + String.join(",", m.tests()));
                Outcome o = runTests(scratch, m.module(), m.tests());
                long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                String status = o.problem() != null ? "ERROR" : o.failed().isEmpty() ? "SURVIVED" : "killed";
                allKilled &= status.equals("killed");
                String detail = o.problem() != null ? o.problem() : o.failed().isEmpty() ? "-"
                        : String.join(", ", o.failed());
                rows.add(new String[] {m.name(), status, secs + " s", detail});
            } finally {
                for (var e : originals.entrySet()) {
                    Files.writeString(e.getKey(), e.getValue());
                    Files.setLastModifiedTime(e.getKey(), FileTime.fromMillis(System.currentTimeMillis()));
                }
            }
        }
        printTable(rows);
        return allKilled ? 0 : 1;
    }

    private static List<Mutant> select(List<Mutant> all, List<String> names) throws BadList {
        if (names.isEmpty()) {
            return all;
        }
        List<Mutant> out = new ArrayList<>();
        for (String n : names) {
            out.add(all.stream().filter(m -> m.name().equals(n)).findFirst()
                    .orElseThrow(() -> new BadList("no mutant named " + n)));
        }
        return out;
    }

    static List<Mutant> parse(Path list) throws IOException, BadList {
        List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        List<Mutant> out = new ArrayList<>();
        Builder b = null;
        for (int i = 0; i < lines.size(); i++) {
            int no = i + 1;
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int sp = l.indexOf(' ');
            String key = sp < 0 ? l : l.substring(0, sp);
            String val = sp < 0 ? "" : unescape(list, no, l.substring(sp + 1));
            if (key.equals("mutant")) {
                if (b != null) {
                    out.add(b.build(list));
                }
                if (val.isBlank() || out.stream().anyMatch(m -> m.name().equals(val))) {
                    throw new BadList(list + ":" + no + ": expected a new mutant name after 'mutant'");
                }
                b = new Builder(val, no);
                continue;
            }
            if (b == null) {
                throw new BadList(list + ":" + no + ": expected 'mutant NAME' before '" + key + "'");
            }
            b.add(list, no, key, val);
        }
        if (b != null) {
            out.add(b.build(list));
        }
        if (out.isEmpty()) {
            throw new BadList(list + ": expected at least one mutant");
        }
        return out;
    }

    private static final class Builder {
        final String name;
        final int line;
        String module = "engine";
        final List<FileEdits> files = new ArrayList<>();
        final List<String> tests = new ArrayList<>();
        String pendingFind;
        int pendingLine;

        Builder(String name, int line) {
            this.name = name;
            this.line = line;
        }

        void add(Path list, int no, String key, String val) throws BadList {
            String where = list + ":" + no + ": mutant " + name + ": ";
            switch (key) {
                case "module" -> module = val;
                case "file" -> files.add(new FileEdits(val, new ArrayList<>()));
                case "find" -> {
                    if (files.isEmpty() || pendingFind != null || val.isEmpty()) {
                        throw new BadList(where + "expected 'file PATH' then one non-empty 'find' per 'replace'");
                    }
                    pendingFind = val;
                    pendingLine = no;
                }
                case "replace" -> {
                    if (pendingFind == null) {
                        throw new BadList(where + "expected 'find TEXT' before 'replace'");
                    }
                    files.get(files.size() - 1).edits().add(new Edit(pendingFind, val, pendingLine));
                    pendingFind = null;
                }
                case "tests" -> {
                    for (String t : val.split(",")) {
                        if (!t.strip().matches("[A-Za-z_$][\\w$]*")) {
                            throw new BadList(where + "expected test class names separated by commas, got '" + t + "'");
                        }
                        tests.add(t.strip());
                    }
                }
                default -> throw new BadList(where + "expected module, file, find, replace or tests, got '" + key + "'");
            }
        }

        Mutant build(Path list) throws BadList {
            String where = list + ":" + line + ": mutant " + name + ": ";
            if (pendingFind != null) {
                throw new BadList(where + "a 'find' has no 'replace'");
            }
            if (files.isEmpty() || files.stream().anyMatch(f -> f.edits().isEmpty())) {
                throw new BadList(where + "expected at least one file with a find/replace pair");
            }
            if (tests.isEmpty()) {
                throw new BadList(where + "expected a 'tests' line");
            }
            return new Mutant(name, line, module, List.copyOf(files), List.copyOf(tests));
        }
    }

    private static String unescape(Path list, int no, String s) throws BadList {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = i + 1 < s.length() ? s.charAt(++i) : ' ';
            switch (n) {
                case 'n' -> sb.append('\n');
                case '\\' -> sb.append('\\');
                default -> throw new BadList(list + ":" + no + ": expected \\n or \\\\ after a backslash");
            }
        }
        return sb.toString();
    }

    /** The file's text with the mutant's edits; every anchor must occur exactly once, or the list is stale. */
    static String apply(Path list, Mutant m, FileEdits f, String text) throws BadList {
        String out = text;
        for (Edit e : f.edits()) {
            int at = out.indexOf(e.find());
            int count = 0;
            for (int i = at; i >= 0; i = out.indexOf(e.find(), i + 1)) {
                count++;
            }
            if (count != 1) {
                throw new BadList(list + ":" + e.line() + ": mutant " + m.name() + ": expected the find text exactly "
                        + "once in " + f.path() + ", found it " + count + " times (did the code move?)");
            }
            out = out.substring(0, at) + e.replace() + out.substring(at + e.find().length());
        }
        return out;
    }

    private static Outcome runTests(Path scratch, String module, List<String> tests) throws Exception {
        Path reports = scratch.resolve(module).resolve("target/surefire-reports");
        deleteTree(reports);
        Path log = Files.createTempFile("mutant", ".log");
        try {
            List<String> cmd = List.of("mvn", "-B", "-o", "-q", "-pl", module, "-am", "test",
                    "-Dtest=" + String.join(",", tests), "-Dsurefire.failIfNoSpecifiedTests=false",
                    "-Dsurefire.timeout=900");
            Process p = new ProcessBuilder(cmd).directory(scratch.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            running = p;
            int rc = p.waitFor();
            running = null;
            List<String> failed = failedTests(reports);
            if (rc != 0 && failed.isEmpty()) {
                List<String> out = Files.readAllLines(log);
                String tail = out.stream().filter(l -> l.contains("ERROR")).limit(3).reduce((a, b) -> a + " | " + b)
                        .orElse("exit " + rc);
                return new Outcome(List.of(), "build failed without a test failure: " + tail);
            }
            if (rc == 0 && ranNothing(reports)) {
                return new Outcome(List.of(), "no test ran (are the class names right?)");
            }
            return new Outcome(failed, null);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static List<String> failedTests(Path reports) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(reports)) {
            return out;
        }
        try (var files = Files.list(reports)) {
            for (Path x : files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(x.toFile())
                        .getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    if (c.getElementsByTagName("failure").getLength() + c.getElementsByTagName("error").getLength() > 0) {
                        String cls = c.getAttribute("classname");
                        out.add(cls.substring(cls.lastIndexOf('.') + 1) + "." + c.getAttribute("name"));
                    }
                }
            }
        }
        return out;
    }

    private static boolean ranNothing(Path reports) throws IOException {
        if (!Files.isDirectory(reports)) {
            return true;
        }
        try (var files = Files.list(reports)) {
            return files.noneMatch(f -> f.getFileName().toString().matches("TEST-.*\\.xml"));
        }
    }

    private static void printTable(List<String[]> rows) {
        String[] head = {"mutant", "result", "time", "killing tests"};
        int[] w = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                w[i] = Math.max(w[i], Math.max(r[i].length(), head[i].length()));
            }
        }
        String fmt = "%-" + w[0] + "s  %-" + w[1] + "s  %" + w[2] + "s  %s%n";
        System.out.println();
        System.out.printf(fmt, (Object[]) head);
        for (String[] r : rows) {
            System.out.printf(fmt, (Object[]) r);
        }
    }

    /** Copies the tree without .git, keeping timestamps so built modules stay up to date. */
    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (a.isRegularFile() && !f.getFileName().toString().equals(".git")) {
                    Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var all = Files.walk(p)) {
            for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
