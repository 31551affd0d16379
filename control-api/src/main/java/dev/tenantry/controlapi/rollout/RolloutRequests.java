package dev.tenantry.controlapi.rollout;

import java.util.List;
import java.util.Map;

/** What a client sends to start a rollout (REST body and GraphQL input alike). */
public final class RolloutRequests {
  private RolloutRequests() {}

  /**
   * A new rollout: the image, which tenants (plans and/or labels; none: every tenant), the waves
   * as sizes ({@code "1"}, {@code "25%"}), and the gate. Unset fields take the resource's defaults.
   */
  public record CreateRollout(String name, String image, List<String> plans, Map<String, String> matchLabels,
      List<WaveInput> waves, String maxUnavailable, Integer soakSeconds, Integer readyTimeoutSeconds,
      String maxFailures, Boolean autoRollback, Boolean paused) {}

  public record WaveInput(String name, String tenants) {}
}
