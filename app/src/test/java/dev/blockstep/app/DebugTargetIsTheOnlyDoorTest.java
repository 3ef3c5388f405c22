package dev.blockstep.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.blockstep.app.gui.session.EngineWiring;
import dev.blockstep.engine.session.EngineSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The app reaches an engine session only through {@link dev.blockstep.engine.session.DebugTarget}: no class tests
 * for or casts to {@link EngineSession}, and none reaches past it into its live engine.
 */
class DebugTargetIsTheOnlyDoorTest {

    private static final String SESSION = EngineSession.class.getName().replace('.', '/');

    private static Path appClasses() throws URISyntaxException {
        return Path.of(EngineWiring.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * javap shows every instanceof and checkcast with the class it names, the pattern-matching kind included;
     * ArchUnit sees instanceof but not casts, so the bytecode is read directly.
     */
    @Test
    void noAppClassTestsForOrCastsToEngineSession() throws Exception {
        List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(appClasses())) {
            all.filter(p -> p.toString().endsWith(".class")).forEach(p -> files.add(p.toString()));
        }
        assertTrue(files.size() > 50, "found the app's classes: " + files.size());
        List<String> args = new ArrayList<>(List.of("-c", "-p"));
        args.addAll(files);
        StringWriter out = new StringWriter();
        ToolProvider javap = ToolProvider.findFirst("javap").orElseThrow(() -> new AssertionError("no javap"));
        assertEquals(0, javap.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new)),
                out.toString());
        List<String> offending = new ArrayList<>();
        String currentClass = "";
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("Compiled from") || line.matches("^(public |final |abstract |sealed )*(class|interface|record|enum) .*")) {
                currentClass = line;
            }
            if ((line.contains("checkcast") || line.contains("instanceof")) && line.contains("class " + SESSION)) {
                offending.add(currentClass.trim() + ": " + line.trim());
            }
        }
        assertEquals(List.of(), offending);
    }

    @Test
    void noAppClassReachesPastTheTargetIntoTheLiveEngine() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.blockstep.app");
        // The benchmark measures the engine's own snapshot building, so it alone holds the engine itself.
        noClasses().that().doNotHaveFullyQualifiedName("dev.blockstep.app.cli.Benchmarks")
                .should().callMethod(EngineSession.class, "engine")
                .check(classes);
    }
}
