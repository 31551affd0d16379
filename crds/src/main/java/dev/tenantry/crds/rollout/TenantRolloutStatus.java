package dev.tenantry.crds.rollout;

import dev.tenantry.crds.ConditionedStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator did with a rollout; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantRolloutStatus extends ConditionedStatus {
  private RolloutPhase phase;
  private Long observedGeneration;
  @JsonPropertyDescription("The image being rolled out, fixed when the rollout started.")
  private String image;
  @JsonPropertyDescription("Name of the wave in progress (the last one once finished).")
  private String currentWave;
  @JsonPropertyDescription("Selected tenants the rollout moves (pinned ones excluded).")
  private Integer selected;
  @JsonPropertyDescription("Tenants moved to the new image so far.")
  private Integer updated;
  @JsonPropertyDescription("Tenants the health gate counted as failed.")
  private Integer failed;
  private List<WaveStatus> waves = new ArrayList<>();
  @JsonPropertyDescription("Selected tenants left alone because they are pinned.")
  private List<String> pinned = new ArrayList<>();
  private List<TenantFailure> failures = new ArrayList<>();
  private String startedAt;
  private String completedAt;

  public RolloutPhase getPhase() {
    return phase;
  }

  public void setPhase(RolloutPhase phase) {
    this.phase = phase;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getCurrentWave() {
    return currentWave;
  }

  public void setCurrentWave(String currentWave) {
    this.currentWave = currentWave;
  }

  public Integer getSelected() {
    return selected;
  }

  public void setSelected(Integer selected) {
    this.selected = selected;
  }

  public Integer getUpdated() {
    return updated;
  }

  public void setUpdated(Integer updated) {
    this.updated = updated;
  }

  public Integer getFailed() {
    return failed;
  }

  public void setFailed(Integer failed) {
    this.failed = failed;
  }

  public List<WaveStatus> getWaves() {
    return waves;
  }

  public void setWaves(List<WaveStatus> waves) {
    this.waves = waves;
  }

  public List<String> getPinned() {
    return pinned;
  }

  public void setPinned(List<String> pinned) {
    this.pinned = pinned;
  }

  public List<TenantFailure> getFailures() {
    return failures;
  }

  public void setFailures(List<TenantFailure> failures) {
    this.failures = failures;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantRolloutStatus other
        && phase == other.phase
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(image, other.image)
        && Objects.equals(currentWave, other.currentWave)
        && Objects.equals(selected, other.selected)
        && Objects.equals(updated, other.updated)
        && Objects.equals(failed, other.failed)
        && Objects.equals(waves, other.waves)
        && Objects.equals(pinned, other.pinned)
        && Objects.equals(failures, other.failures)
        && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(completedAt, other.completedAt)
        && sameConditions(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, observedGeneration, image, currentWave, selected, updated, failed, waves, pinned,
        failures, startedAt, completedAt, getConditions());
  }
}
