package dev.tenantry.crds.backup;

import dev.tenantry.crds.ConditionedStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the operator did with a restore; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantRestoreStatus extends ConditionedStatus {
  private BackupPhase phase;
  private RestoreMode mode;
  @JsonPropertyDescription("The tenant the backup was restored into.")
  private String restoredTenant;
  private String startedAt;
  private String completedAt;
  @JsonPropertyDescription("Size of the archive read, in bytes.")
  private Long sizeBytes;
  @JsonPropertyDescription("Events restored: the backup's position in the source's event log.")
  private Long eventPosition;
  @JsonPropertyDescription("Objects of the owners restored into the tenant's namespace.")
  private Integer objects;

  public BackupPhase getPhase() {
    return phase;
  }

  public void setPhase(BackupPhase phase) {
    this.phase = phase;
  }

  public RestoreMode getMode() {
    return mode;
  }

  public void setMode(RestoreMode mode) {
    this.mode = mode;
  }

  public String getRestoredTenant() {
    return restoredTenant;
  }

  public void setRestoredTenant(String restoredTenant) {
    this.restoredTenant = restoredTenant;
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

  public Long getSizeBytes() {
    return sizeBytes;
  }

  public void setSizeBytes(Long sizeBytes) {
    this.sizeBytes = sizeBytes;
  }

  public Long getEventPosition() {
    return eventPosition;
  }

  public void setEventPosition(Long eventPosition) {
    this.eventPosition = eventPosition;
  }

  public Integer getObjects() {
    return objects;
  }

  public void setObjects(Integer objects) {
    this.objects = objects;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantRestoreStatus other
        && phase == other.phase
        && mode == other.mode
        && Objects.equals(restoredTenant, other.restoredTenant)
        && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(completedAt, other.completedAt)
        && Objects.equals(sizeBytes, other.sizeBytes)
        && Objects.equals(eventPosition, other.eventPosition)
        && Objects.equals(objects, other.objects)
        && sameConditions(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, mode, restoredTenant, startedAt, completedAt, eventPosition);
  }
}
