package dev.tenantry.crds.backup;

import dev.tenantry.crds.ConditionedStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What the operator did with a backup; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantBackupStatus extends ConditionedStatus {
  private BackupPhase phase;
  private String startedAt;
  private String completedAt;
  @JsonPropertyDescription("Size of the compressed archive in bytes.")
  private Long sizeBytes;
  @JsonPropertyDescription("Position in the tenant's event log the backup is consistent at.")
  private Long eventPosition;
  @JsonPropertyDescription("Where the archive is, e.g. volume:tenants/acme/nightly.tnb.gz or s3://bucket/key.")
  private String location;
  @JsonPropertyDescription("SHA-256 of the archive as stored, checked before any restore.")
  private String sha256;
  @JsonPropertyDescription("Plan of the backed-up tenant, for the console.")
  private String plan;

  public BackupPhase getPhase() {
    return phase;
  }

  public void setPhase(BackupPhase phase) {
    this.phase = phase;
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

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public String getPlan() {
    return plan;
  }

  public void setPlan(String plan) {
    this.plan = plan;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantBackupStatus other
        && phase == other.phase
        && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(completedAt, other.completedAt)
        && Objects.equals(sizeBytes, other.sizeBytes)
        && Objects.equals(eventPosition, other.eventPosition)
        && Objects.equals(location, other.location)
        && Objects.equals(sha256, other.sha256)
        && Objects.equals(plan, other.plan)
        && sameConditions(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, startedAt, completedAt, sizeBytes, eventPosition, location, sha256, plan);
  }
}
