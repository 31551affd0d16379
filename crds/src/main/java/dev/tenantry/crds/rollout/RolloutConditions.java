package dev.tenantry.crds.rollout;

/** The condition types of a TenantRollout's status, read by the control API and the console. */
public final class RolloutConditions {
  /** True while waves are moving or soaking; False when paused, waiting or invalid. */
  public static final String PROGRESSING = "Progressing";
  /** True once every selected tenant runs the image (or the rollout was rolled back and ended). */
  public static final String COMPLETE = "Complete";
  /** True when the health gate failed or the rollout was aborted. */
  public static final String DEGRADED = "Degraded";

  private RolloutConditions() {}
}
