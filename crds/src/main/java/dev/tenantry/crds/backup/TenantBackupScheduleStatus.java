package dev.tenantry.crds.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** When the schedule last fired and what it made; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantBackupScheduleStatus {
  @JsonPropertyDescription("The last time the schedule fired.")
  private String lastScheduleTime;
  @JsonPropertyDescription("The next time it fires.")
  private String nextScheduleTime;
  @JsonPropertyDescription("Backups it made the last time it fired.")
  private List<String> lastBackups = new ArrayList<>();
  private List<Condition> conditions = new ArrayList<>();

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

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantBackupScheduleStatus other
        && Objects.equals(lastScheduleTime, other.lastScheduleTime)
        && Objects.equals(nextScheduleTime, other.nextScheduleTime)
        && Objects.equals(lastBackups, other.lastBackups)
        && Objects.equals(conditions, other.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastScheduleTime, nextScheduleTime, lastBackups);
  }
}
