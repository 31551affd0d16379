package dev.tenantry.runtime;

import dev.tenantry.testkit.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module's shape, checked on every build: see {@link ArchitectureRules}. */
class ArchitectureTest {
  private static final ArchitectureRules RULES = ArchitectureRules.forModule("dev.tenantry.runtime");

  @Test
  void packagesAreFreeOfCycles() {
    RULES.packagesAreFreeOfCycles();
  }

  @Test
  void classesFitTheirLimits() {
    RULES.classesFitTheirLimits();
  }

  @Test
  void holdsNoStaticMutableState() {
    RULES.holdsNoStaticMutableState();
  }
}
