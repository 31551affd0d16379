package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The tenant's sleep as the operator saw it: last call, when it went to sleep, its last wake. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HibernationStatus {

  @JsonPropertyDescription("The runtime's last call (REST, GraphQL, gRPC, WebSocket) when the operator last asked.")
  private String lastActivity;

  @JsonPropertyDescription("When the tenant went to sleep; unset while it is awake.")
  private String hibernatedAt;

  @JsonPropertyDescription("Why it sleeps: Idle, Scheduled or Requested.")
  private String reason;

  @JsonPropertyDescription("The end of the scheduled window it sleeps in; wake requests wait until then.")
  private String scheduledUntil;

  @JsonPropertyDescription("The last wake: when it was asked for, by whom, and how long until the runtime was ready.")
  private WakeRecord lastWake;

  public String getLastActivity() {
    return lastActivity;
  }

  public void setLastActivity(String lastActivity) {
    this.lastActivity = lastActivity;
  }

  public String getHibernatedAt() {
    return hibernatedAt;
  }

  public void setHibernatedAt(String hibernatedAt) {
    this.hibernatedAt = hibernatedAt;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getScheduledUntil() {
    return scheduledUntil;
  }

  public void setScheduledUntil(String scheduledUntil) {
    this.scheduledUntil = scheduledUntil;
  }

  public WakeRecord getLastWake() {
    return lastWake;
  }

  public void setLastWake(WakeRecord lastWake) {
    this.lastWake = lastWake;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HibernationStatus other && Objects.equals(lastActivity, other.lastActivity)
        && Objects.equals(hibernatedAt, other.hibernatedAt) && Objects.equals(reason, other.reason)
        && Objects.equals(scheduledUntil, other.scheduledUntil) && Objects.equals(lastWake, other.lastWake);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastActivity, hibernatedAt, reason, scheduledUntil, lastWake);
  }
}
