package dev.blockstep.samples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the module walls of docs/ARCHITECTURE.md honest: the engine is plain Java, the format knows no engine. */
class ModuleWallsTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.blockstep.engine", "dev.blockstep.trace");
    }

    @Test
    void engineNeverTouchesJavaFxOrControlsFx() {
        noClasses().that().resideInAPackage("dev.blockstep.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..")
                .check(classes);
    }

    @Test
    void traceFormatKnowsNothingOfTheEngineOrTheUi() {
        noClasses().that().resideInAPackage("dev.blockstep.trace..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.blockstep.engine..", "dev.blockstep.app..",
                        "javafx..", "org.controlsfx..")
                .check(classes);
    }
}
