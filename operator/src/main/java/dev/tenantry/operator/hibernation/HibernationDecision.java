package dev.tenantry.operator.hibernation;

import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.crds.tenant.HibernationStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a tenant's runtime sleeps now, the {@code Awake} condition that says why, what
 * {@code status.hibernation} shows, and when to look again (an idle deadline, a window's edge).
 *
 * @param status empty for a tenant that never had hibernation, or whose record holds nothing yet
 */
public record HibernationDecision(boolean asleep, boolean awake, String reason, String message,
    Optional<HibernationStatus> status, Optional<Instant> recheckAt) {

  /** A record with nothing in it is not shown: {@code status.hibernation: {}} would tell a reader nothing. */
  public HibernationDecision {
    status = status.filter(HibernationDecision::recordsSomething);
  }

  private static boolean recordsSomething(HibernationStatus status) {
    return status.getLastActivity() != null || status.getHibernatedAt() != null || status.getReason() != null
        || status.getScheduledUntil() != null || status.getLastWake() != null;
  }

  /** The {@code Awake} condition's type. */
  public static final String CONDITION = TenantConditions.AWAKE;

  /** A tenant without hibernation: always awake, no condition, nothing to recheck. */
  public static HibernationDecision none() {
    return new HibernationDecision(false, true, null, null, Optional.empty(), Optional.empty());
  }

  /** Whether the tenant is waking: woken, and its runtime not yet Ready (the wake not yet timed). */
  public boolean waking() {
    return awake && status.filter(HibernationPlanner::waking).isPresent();
  }

  /** Whether calls to the tenant must be held for it: it sleeps, or it wakes and cannot answer yet. */
  public boolean holdsCalls() {
    return asleep || waking();
  }

  /** Whether the decision shows an {@code Awake} condition (a tenant that never had hibernation shows none). */
  public boolean hasCondition() {
    return reason != null;
  }
}
