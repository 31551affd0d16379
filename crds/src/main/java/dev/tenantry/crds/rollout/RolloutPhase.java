package dev.tenantry.crds.rollout;

/** Where a rollout is; the last four are final unless an abort asks to roll a failed one back. */
public enum RolloutPhase {
  Pending,
  Progressing,
  Paused,
  RollingBack,
  Succeeded,
  RolledBack,
  Failed;

  /** Whether the rollout has ended: it moves no tenant any more. */
  public boolean finished() {
    return this == Succeeded || this == RolledBack || this == Failed;
  }
}
