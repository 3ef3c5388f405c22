package dev.blockstep.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/blockstep's choice of JVM and cache, with a stand-in {@code java} that logs its arguments and writes the
 * files the real one would (an AOT configuration when recording, the cache when creating, the AppCDS archive).
 */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of("..", "bin", "blockstep").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    private Path jar;
    private Path log;

    @BeforeEach
    void fakes() throws Exception {
        jar = dir.resolve("lib").resolve("bs.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "not a jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        log = dir.resolve("log");
        // Exit code 3 from the command itself, so the test can see that the launcher passes it on.
        String java = """
                #!/bin/sh
                echo "$0 $*" >> "%s"
                for a in "$@"; do
                  case "$a" in
                    -XX:AOTConfiguration=*) conf=${a#*=} ;;
                    -XX:AOTCache=*) cache=${a#*=} ;;
                    -XX:ArchiveClassesAtExit=*) jsa=${a#*=} ;;
                    -XX:AOTMode=*) mode=${a#*=} ;;
                  esac
                done
                case "$mode" in
                  record) echo conf > "$conf"; exit 3 ;;
                  create) echo cache > "$cache"; exit 0 ;;
                esac
                [ -n "$jsa" ] && echo jsa > "$jsa"
                exit 3
                """.formatted(log);
        for (String home : List.of("jdk25", "jdk17")) {
            Path bin = dir.resolve(home).resolve("bin");
            Files.createDirectories(bin);
            Files.writeString(bin.resolve("java"), java);
            Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve(home).resolve("release"),
                    "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + home.substring(3) + ".0.1\"\n");
        }
    }

    private int launch(String jdkHome, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile());
        pb.environment().put("BLOCKSTEP_JAR", jar.toString());
        pb.environment().put("BLOCKSTEP_JAVA_HOME", dir.resolve(jdkHome).toString());
        // the java on PATH is the JDK 17 stand-in
        pb.environment().put("PATH", dir.resolve("jdk17").resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher ended");
        return p.exitValue();
    }

    private List<String> calls() throws Exception {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        Files.deleteIfExists(log);
        return lines;
    }

    private List<String> libFiles() throws Exception {
        try (Stream<Path> s = Files.list(jar.getParent())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void ioOnAJdk25TrainsTheAotCacheOnceThenUsesItAndRetrainsAfterARebuild() throws Exception {
        assertEquals(3, launch("jdk25", "io", "img.qcow2"), "the command's own exit code");
        List<String> first = calls();
        assertEquals(2, first.size(), first.toString());
        assertTrue(first.get(0).contains("-XX:AOTMode=record") && first.get(0).endsWith("io img.qcow2"), first.get(0));
        assertTrue(first.get(0).contains("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"), first.get(0));
        // the recording JVM's own "AOTConfiguration recorded" line went to the command's stdout (seen with JDK 25)
        assertTrue(first.get(0).contains("-XX:-DisplayVMOutput"), first.get(0));
        assertTrue(first.get(0).startsWith(dir.resolve("jdk25").resolve("bin").resolve("java") + " "), first.get(0));
        assertTrue(first.get(1).contains("-XX:AOTMode=create"), first.get(1));
        assertEquals(List.of("bs-cli-jdk25.aot", "bs.jar"), libFiles(), "the cache, and no temporary file left");

        assertEquals(3, launch("jdk25", "check", "img.qcow2"));
        List<String> second = calls();
        assertEquals(1, second.size(), second.toString());
        assertTrue(second.get(0).contains("-XX:AOTCache=" + jar.getParent().resolve("bs-cli-jdk25.aot")),
                second.get(0));

        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        launch("jdk25", "io", "img.qcow2");
        assertTrue(calls().get(0).contains("-XX:AOTMode=record"), "a jar newer than the cache trains again");
    }

    @Test
    void aHelpRunDoesNotTrainTheCache() throws Exception {
        launch("jdk25", "io", "--help");
        List<String> c = calls();
        assertEquals(1, c.size(), c.toString());
        assertFalse(c.get(0).contains("AOT"), c.get(0));
        assertEquals(List.of("bs.jar"), libFiles());
    }

    @Test
    void withoutAJdk25IoUsesThePathJavaWithAppCds() throws Exception {
        assertEquals(3, launch("jdk17", "io", "img.qcow2"));
        List<String> c = calls();
        assertEquals(1, c.size(), c.toString());
        assertTrue(c.get(0).contains("-XX:ArchiveClassesAtExit=") && !c.get(0).contains("AOT"), c.get(0));
        assertTrue(c.get(0).startsWith(dir.resolve("jdk17").resolve("bin").resolve("java") + " "), c.get(0));
        assertEquals(List.of("bs.jar", "bs.jsa"), libFiles());
        launch("jdk17", "io", "img.qcow2");
        assertTrue(calls().get(0).contains("-XX:SharedArchiveFile="));
    }

    @Test
    void theGuiAndOtherCommandsStayOnThePathJavaEvenWithAJdk25() throws Exception {
        launch("jdk25", "explore", "--exhaustive", "s.json");
        List<String> c = calls();
        assertEquals(1, c.size(), c.toString());
        assertFalse(c.get(0).contains("AOT") || c.get(0).contains("TieredStopAtLevel"), c.get(0));
        assertTrue(c.get(0).contains("-XX:ArchiveClassesAtExit="), c.get(0));
        assertTrue(c.get(0).startsWith(dir.resolve("jdk17").resolve("bin").resolve("java") + " "), c.get(0));
    }
}
