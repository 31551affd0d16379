package dev.tenantry.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Builds conditions in the Kubernetes shape. A condition keeps its {@code lastTransitionTime}
 * while its status stays the same, so a status rebuilt from unchanged facts equals the stored
 * one and costs no write.
 */
public final class Conditions {

  private Conditions() {}

  /** The condition {@code type}, {@code True} when {@code holds}, carrying over its transition time from {@code previous}. */
  public static Condition of(List<Condition> previous, String type, boolean holds, String reason, String message,
      Long generation, Instant now) {
    String status = holds ? "True" : "False";
    String transitionTime = find(previous, type)
        .filter(c -> status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElseGet(() -> timestamp(now));
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(transitionTime)
        .withObservedGeneration(generation)
        .build();
  }

  private static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** An instant as the API server writes one (seconds, UTC). */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
