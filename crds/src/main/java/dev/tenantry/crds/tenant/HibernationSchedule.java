package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * A sleeping window between two cron times: the tenant sleeps from each {@code sleepAt} until
 * the next {@code wakeAt}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HibernationSchedule {

  @Required
  @JsonPropertyDescription("Cron of five fields when the window opens, e.g. '0 20 * * 1-5'.")
  @Pattern(TenantryApi.CRON_PATTERN)
  private String sleepAt;

  @Required
  @JsonPropertyDescription("Cron of five fields when the window closes, e.g. '0 7 * * 1-5'.")
  @Pattern(TenantryApi.CRON_PATTERN)
  private String wakeAt;

  @JsonPropertyDescription("IANA time zone both crons are read in, e.g. Europe/Berlin.")
  @Default("UTC")
  private String timeZone;

  public HibernationSchedule() {}

  public HibernationSchedule(String sleepAt, String wakeAt, String timeZone) {
    this.sleepAt = sleepAt;
    this.wakeAt = wakeAt;
    this.timeZone = timeZone;
  }

  public String getSleepAt() {
    return sleepAt;
  }

  public void setSleepAt(String sleepAt) {
    this.sleepAt = sleepAt;
  }

  public String getWakeAt() {
    return wakeAt;
  }

  public void setWakeAt(String wakeAt) {
    this.wakeAt = wakeAt;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HibernationSchedule other && Objects.equals(sleepAt, other.sleepAt)
        && Objects.equals(wakeAt, other.wakeAt) && Objects.equals(timeZone, other.timeZone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sleepAt, wakeAt, timeZone);
  }
}
