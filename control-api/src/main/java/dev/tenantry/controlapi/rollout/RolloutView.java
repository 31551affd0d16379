package dev.tenantry.controlapi.rollout;

import dev.tenantry.crds.rollout.RolloutConditions;
import dev.tenantry.controlapi.tenant.TenantView.ConditionView;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.tenant.TenantSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A TenantRollout as the control API shows it: what it asks for, and its waves' progress. */
public record RolloutView(
    String name,
    String image,
    String phase,
    String currentWave,
    int selected,
    int updated,
    int failed,
    List<WaveView> waves,
    List<String> pinned,
    List<FailureView> failures,
    List<ConditionView> conditions,
    String message,
    boolean paused,
    boolean aborted,
    List<String> plans,
    List<LabelView> matchLabels,
    String startedAt,
    String completedAt,
    String createdAt,
    boolean deleting,
    String resourceVersion) {

  /** One wave: its size as asked ({@code 1}, {@code 25%}) and its progress. */
  public record WaveView(String name, String size, int total, int updated, int ready, int failed, String startedAt,
      String healthyAt) {}

  public record FailureView(String tenant, String wave, String reason) {}

  public record LabelView(String key, String value) {}

  public static RolloutView of(TenantRollout rollout) {
    TenantRolloutSpec spec = rollout.getSpec() == null ? new TenantRolloutSpec() : rollout.getSpec();
    Optional<TenantRolloutStatus> status = Optional.ofNullable(rollout.getStatus());
    List<WaveStatus> shown = status.map(TenantRolloutStatus::getWaves).orElse(List.of());
    List<WaveView> waves = new ArrayList<>();
    for (int i = 0; i < spec.effectiveWaves().size(); i++) {
      String size = String.valueOf(spec.effectiveWaves().get(i).getTenants() == null ? null
          : spec.effectiveWaves().get(i).getTenants().getValue());
      WaveStatus wave = i < shown.size() ? shown.get(i) : null;
      waves.add(wave == null ? new WaveView(spec.waveName(i), size, 0, 0, 0, 0, null, null)
          : new WaveView(wave.getName(), size, wave.getTotal(), wave.getUpdated(), wave.getReady(), wave.getFailed(),
              wave.getStartedAt(), wave.getHealthyAt()));
    }
    List<ConditionView> conditions = status.map(TenantRolloutStatus::getConditions).orElse(List.of()).stream()
        .map(c -> new ConditionView(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), c.getLastTransitionTime()))
        .toList();
    TenantSelector selector = spec.effectiveSelector();
    return new RolloutView(
        rollout.getMetadata().getName(),
        spec.getImage(),
        status.map(TenantRolloutStatus::getPhase).map(Enum::name).orElse("Pending"),
        status.map(TenantRolloutStatus::getCurrentWave).orElse(null),
        status.map(TenantRolloutStatus::getSelected).orElse(0),
        status.map(TenantRolloutStatus::getUpdated).orElse(0),
        status.map(TenantRolloutStatus::getFailed).orElse(0),
        waves,
        status.map(TenantRolloutStatus::getPinned).orElse(List.of()),
        status.map(TenantRolloutStatus::getFailures).orElse(List.of()).stream()
            .map(f -> new FailureView(f.getTenant(), f.getWave(), f.getReason())).toList(),
        conditions,
        conditions.stream().filter(c -> RolloutConditions.PROGRESSING.equals(c.type())).findFirst().map(ConditionView::message)
            .orElse("waiting for the operator"),
        spec.isPausedRequested(),
        spec.isAbortRequested(),
        selector.getPlans() == null ? List.of() : selector.getPlans(),
        (selector.getMatchLabels() == null ? Map.<String, String>of() : selector.getMatchLabels()).entrySet().stream()
            .map(e -> new LabelView(e.getKey(), e.getValue())).toList(),
        status.map(TenantRolloutStatus::getStartedAt).orElse(null),
        status.map(TenantRolloutStatus::getCompletedAt).orElse(null),
        rollout.getMetadata().getCreationTimestamp(),
        rollout.getMetadata().getDeletionTimestamp() != null,
        rollout.getMetadata().getResourceVersion());
  }

  /** Whether it has ended (Succeeded, RolledBack or Failed). */
  public boolean finished() {
    return RolloutPhase.valueOf(phase).finished();
  }
}
