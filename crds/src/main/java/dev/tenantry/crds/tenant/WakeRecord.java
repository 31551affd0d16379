package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One wake of a hibernated tenant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WakeRecord {

  @JsonPropertyDescription("When the wake was asked for (ISO-8601).")
  private String at;

  @JsonPropertyDescription("Milliseconds from the request until the runtime was ready; unset while it starts.")
  private Long durationMs;

  @JsonPropertyDescription("Who woke it: request (a held call), admin, or schedule (its window closed).")
  private String trigger;

  public WakeRecord() {}

  public WakeRecord(String at, Long durationMs, String trigger) {
    this.at = at;
    this.durationMs = durationMs;
    this.trigger = trigger;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  public Long getDurationMs() {
    return durationMs;
  }

  public void setDurationMs(Long durationMs) {
    this.durationMs = durationMs;
  }

  public String getTrigger() {
    return trigger;
  }

  public void setTrigger(String trigger) {
    this.trigger = trigger;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WakeRecord other && Objects.equals(at, other.at) && Objects.equals(durationMs, other.durationMs)
        && Objects.equals(trigger, other.trigger);
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, durationMs, trigger);
  }
}
