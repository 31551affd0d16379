package dev.tenantry.e2e;

import dev.tenantry.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The end-to-end suite holds its fixtures per test instance, as every module's tests do: see {@link ArchitectureRules}. */
class ArchitectureTest {
  private static final ArchitectureRules RULES = ArchitectureRules.forModule("dev.tenantry.e2e");

  @Test
  void holdsNoStaticMutableState() {
    RULES.holdsNoStaticMutableState();
  }
}
