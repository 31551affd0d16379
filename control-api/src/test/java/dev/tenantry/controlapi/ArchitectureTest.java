package dev.tenantry.controlapi;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module's shape, checked on every build: see {@link ArchitectureRules}. */
class ArchitectureTest {
  private static final ArchitectureRules RULES = ArchitectureRules.forModule("dev.tenantry.controlapi");

  @Test
  void packagesAreFreeOfCycles() {
    RULES.packagesAreFreeOfCycles();
  }

  @Test
  void classesFitTheirLimits() {
    // still to be split (issue 30): held at its size until then
    RULES.classesFitTheirLimits(java.util.Map.of());
  }

  @Test
  void sharedNamesAreWrittenOnlyInTheContract() {
    RULES.sharedNamesAreWrittenOnlyIn(TenantryApi.class);
  }

  @Test
  void holdsNoStaticMutableState() {
    RULES.holdsNoStaticMutableState();
  }
}
