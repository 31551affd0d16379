package dev.tenantry.crds.backup;

import dev.tenantry.crds.ConditionedStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** When the schedule last fired and what it made; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantBackupScheduleStatus extends ConditionedStatus {
  @JsonPropertyDescription("The last time the schedule fired.")
  private String lastScheduleTime;
  @JsonPropertyDescription("The next time it fires.")
  private String nextScheduleTime;
  @JsonPropertyDescription("Backups it made the last time it fired.")
  private List<String> lastBackups = new ArrayList<>();

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
  }

  public List<String> getLastBackups() {
    return lastBackups;
  }

  public void setLastBackups(List<String> lastBackups) {
    this.lastBackups = lastBackups;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantBackupScheduleStatus other
        && Objects.equals(lastScheduleTime, other.lastScheduleTime)
        && Objects.equals(nextScheduleTime, other.nextScheduleTime)
        && Objects.equals(lastBackups, other.lastBackups)
        && sameConditions(other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastScheduleTime, nextScheduleTime, lastBackups);
  }
}
