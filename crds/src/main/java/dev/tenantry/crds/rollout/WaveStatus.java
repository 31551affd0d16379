package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One wave's progress, in spec order; a wave not started shows {@code updated: 0}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WaveStatus {
  private String name;
  @JsonPropertyDescription("Tenants this wave moves.")
  private int total;
  @JsonPropertyDescription("Tenants this wave has moved to the new image.")
  private int updated;
  @JsonPropertyDescription("Moved tenants Ready on the new image.")
  private int ready;
  @JsonPropertyDescription("Moved tenants that were not Ready on the new image in time.")
  private int failed;
  private String startedAt;
  @JsonPropertyDescription("When every tenant of the wave was Ready (or failed within the gate); the soak counts from here.")
  private String healthyAt;

  public WaveStatus() {}

  public WaveStatus(String name, int total, int updated, int ready, int failed, String startedAt, String healthyAt) {
    this.name = name;
    this.total = total;
    this.updated = updated;
    this.ready = ready;
    this.failed = failed;
    this.startedAt = startedAt;
    this.healthyAt = healthyAt;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public int getTotal() {
    return total;
  }

  public void setTotal(int total) {
    this.total = total;
  }

  public int getUpdated() {
    return updated;
  }

  public void setUpdated(int updated) {
    this.updated = updated;
  }

  public int getReady() {
    return ready;
  }

  public void setReady(int ready) {
    this.ready = ready;
  }

  public int getFailed() {
    return failed;
  }

  public void setFailed(int failed) {
    this.failed = failed;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getHealthyAt() {
    return healthyAt;
  }

  public void setHealthyAt(String healthyAt) {
    this.healthyAt = healthyAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WaveStatus other && total == other.total && updated == other.updated && ready == other.ready
        && failed == other.failed && Objects.equals(name, other.name) && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(healthyAt, other.healthyAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, total, updated, ready, failed, startedAt, healthyAt);
  }

  @Override
  public String toString() {
    return name + "{total=" + total + ", updated=" + updated + ", ready=" + ready + ", failed=" + failed + "}";
  }
}
