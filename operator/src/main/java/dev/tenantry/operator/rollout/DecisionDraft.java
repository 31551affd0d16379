package dev.tenantry.operator.rollout;

import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The writes and events one decision collects, given out with the status it ends on. */
final class DecisionDraft {

  private final TenantRolloutStatus before;
  private final List<RolloutAction> actions = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();

  DecisionDraft(TenantRolloutStatus before) {
    this.before = before;
  }

  void act(RolloutAction action) {
    actions.add(action);
  }

  void event(Event event) {
    events.add(event);
  }

  /** A status shown already records no event again: an event says what changed. */
  RolloutDecision finish(TenantRolloutStatus status, Optional<Duration> lookAgain) {
    List<Event> told = Objects.equals(status, before) ? List.of() : List.copyOf(events);
    return new RolloutDecision(List.copyOf(actions), status, told, lookAgain);
  }
}
