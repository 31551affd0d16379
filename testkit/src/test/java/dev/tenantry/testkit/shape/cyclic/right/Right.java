package dev.tenantry.testkit.shape.cyclic.right;

import dev.tenantry.testkit.shape.cyclic.left.Left;

/** The other half: depends back on the package that depends on it. */
public final class Right {
  public Left partner() {
    return new Left();
  }
}
