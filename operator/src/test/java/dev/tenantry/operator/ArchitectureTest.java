package dev.tenantry.operator;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module's shape, checked on every build: see {@link ArchitectureRules}. */
class ArchitectureTest {
  private static final ArchitectureRules RULES = ArchitectureRules.forModule("dev.tenantry.operator");

  @Test
  void packagesAreFreeOfCycles() {
    RULES.packagesAreFreeOfCycles();
  }

  @Test
  void classesFitTheirLimits() {
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
