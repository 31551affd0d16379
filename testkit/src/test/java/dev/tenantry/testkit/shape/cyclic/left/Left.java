package dev.tenantry.testkit.shape.cyclic.left;

import dev.tenantry.testkit.shape.cyclic.right.Right;

/** Half of a made-up package cycle the architecture rules must catch. */
public final class Left {
  public Right partner() {
    return new Right();
  }
}
