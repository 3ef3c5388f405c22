package dev.blockstep.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Layering rules inside the modules, which Maven's module walls cannot express (those, such as "the engine
 * has no JavaFX", are already enforced by each module's dependencies).
 */
class ArchitectureRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        // In a reactor build after `package` the engine arrives as its jar (and its test-jar), in a `test` run as
        // target/classes: take both forms of production code, never test code.
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.blockstep");
    }

    /** View-models hold state and logic testable without a scene graph; only views build nodes. */
    @Test
    void viewModelsNeverTouchTheSceneGraph() {
        noClasses().that().resideInAPackage("dev.blockstep.app.gui.viewmodel..")
                .or().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAPackage("javafx.scene..")
                .check(classes);
    }

    /**
     * The on-disk value types the snapshot itself hands out (L2Row carries an L2Entry, ImageView the raw L1
     * entries that L1Entry decodes, Snapshot.fix the FixVariant in force). They are immutable records and enums, not
     * live engine state.
     */
    private static final Set<String> SNAPSHOT_VALUE_TYPES = Set.of("dev.blockstep.engine.qcow2.format.L1Entry",
            "dev.blockstep.engine.qcow2.format.L2Entry", "dev.blockstep.engine.qcow2.format.ClusterType",
            "dev.blockstep.engine.fix.FixVariant");

    /** Panels draw what a step left behind: the immutable snapshot and the event stream, never live engine state. */
    @Test
    void panelsSeeOnlyTheEnginesSnapshotsAndEvents() {
        noClasses().that().resideInAPackage("dev.blockstep.app.gui.panels..")
                .should().dependOnClassesThat(DescribedPredicate.describe(
                        "are engine classes outside engine.snapshot and engine.event",
                        c -> c.getPackageName().startsWith("dev.blockstep.engine")
                                && !c.getPackageName().equals("dev.blockstep.engine.snapshot")
                                && !c.getPackageName().equals("dev.blockstep.engine.event")
                                && !SNAPSHOT_VALUE_TYPES.contains(c.getName())))
                .check(classes);
    }

    @Test
    void engineHasNoPackageCycles() {
        slices().matching("dev.blockstep.engine.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRulesSeeTheEngineAndTheApp() {
        org.junit.jupiter.api.Assertions.assertTrue(classes.containPackage("dev.blockstep.engine.block")
                && classes.containPackage("dev.blockstep.app.gui.panels"), "imported production classes");
    }
}
