package dev.tenantry.operator.rollout;

import dev.tenantry.crds.rollout.TenantRolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The planner's answer for one reconcile: the writes to make in order, the status to show
 * afterwards, the events to record once it is shown, and when to look again if no event will
 * say so (a readiness deadline, the end of a soak).
 */
record RolloutDecision(List<RolloutAction> actions, TenantRolloutStatus status, List<Event> events,
    Optional<Duration> lookAgainIn) {

  /** An Event on the rollout. */
  record Event(boolean warning, String reason, String message) {
    static Event normal(String reason, String message) {
      return new Event(false, reason, message);
    }

    static Event warning(String reason, String message) {
      return new Event(true, reason, message);
    }
  }
}
