package dev.tenantry.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The architecture rules fail on what they are there to catch, and pass a module that keeps them. */
class ArchitectureRulesTest {
  private static final Path FIXTURE_SOURCES = Path.of("src", "test", "java");

  @Test
  void aPackageCycleFailsNamingBothPackages() {
    AssertionError failure = assertThrows(AssertionError.class, () ->
        ArchitectureRules.forFixture("dev.tenantry.testkit.shape.cyclic", FIXTURE_SOURCES).packagesAreFreeOfCycles());
    assertTrue(failure.getMessage().contains("shape.cyclic.left") && failure.getMessage().contains("shape.cyclic.right"),
        failure.getMessage());
  }

  @Test
  void anOversizedReconcilerAndAnOversizedClassFail(@TempDir Path sources) throws Exception {
    Path feature = Files.createDirectories(sources.resolve("dev/example/feature"));
    Files.writeString(feature.resolve("SmallReconciler.java"), "class SmallReconciler {}\n".repeat(250));
    Files.writeString(feature.resolve("LongReconciler.java"), "//\n".repeat(251));
    Files.writeString(feature.resolve("LongPlanner.java"), "//\n".repeat(351));
    Files.writeString(feature.resolve("FittingPlanner.java"), "//\n".repeat(350));
    AssertionError failure = assertThrows(AssertionError.class, () ->
        ArchitectureRules.forFixture("dev.example", sources).classesFitTheirLimits());
    assertTrue(failure.getMessage().contains("LongReconciler.java: 251 lines, limit 250"), failure.getMessage());
    assertTrue(failure.getMessage().contains("LongPlanner.java: 351 lines, limit 350"), failure.getMessage());
    assertTrue(!failure.getMessage().contains("SmallReconciler") && !failure.getMessage().contains("FittingPlanner"),
        failure.getMessage());
  }

  @Test
  void aSharedNameRetypedFailsAndItsConstantPasses(@TempDir Path sources) throws Exception {
    Path feature = Files.createDirectories(sources.resolve("dev/example/feature"));
    Files.writeString(feature.resolve("Retyped.java"), "class Retyped { String ca = \"platform-ca.crt\"; }\n");
    Files.writeString(feature.resolve("Declared.java"), "class Declared { String ca = Names.CA; }\n");
    AssertionError failure = assertThrows(AssertionError.class, () ->
        ArchitectureRules.forFixture("dev.example", sources).sharedNamesAreWrittenOnlyIn(Names.class));
    assertTrue(failure.getMessage().contains("Retyped.java:1 writes \"platform-ca.crt\"; use Names.CA"),
        failure.getMessage());
    Files.delete(feature.resolve("Retyped.java"));
    assertDoesNotThrow(() -> ArchitectureRules.forFixture("dev.example", sources).sharedNamesAreWrittenOnlyIn(Names.class));
  }

  @Test
  void aStaticFieldThatIsNotFinalFailsAndAConstantPasses() {
    AssertionError failure = assertThrows(AssertionError.class, () ->
        ArchitectureRules.forFixture("dev.tenantry.testkit.shape.stateful", FIXTURE_SOURCES).holdsNoStaticMutableState());
    assertTrue(failure.getMessage().contains("dev.tenantry.testkit.shape.stateful.Counter.count"), failure.getMessage());
    assertTrue(!failure.getMessage().contains("Counter.NAME"), failure.getMessage());
    assertDoesNotThrow(() ->
        ArchitectureRules.forFixture("dev.tenantry.testkit.shape.cyclic", FIXTURE_SOURCES).holdsNoStaticMutableState());
  }

  /** A made-up contract: one shared name and one plain word, which the rule leaves alone. */
  static final class Names {
    public static final String CA = "platform-ca.crt";
    public static final String WORD = "Ready";

    private Names() {}
  }
}
