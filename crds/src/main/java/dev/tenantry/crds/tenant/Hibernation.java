package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** When a tenant's runtime sleeps: after a quiet spell, and in scheduled windows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hibernation {

  @JsonPropertyDescription("Hibernate after this long without a call (ISO-8601, e.g. PT15M); unset: never for idleness.")
  @Pattern(TenantryApi.DURATION_PATTERN)
  private String idleAfter;

  @JsonPropertyDescription("Windows during which the tenant sleeps whatever its traffic.")
  private HibernationSchedule schedule;

  public Hibernation() {}

  public Hibernation(String idleAfter, HibernationSchedule schedule) {
    this.idleAfter = idleAfter;
    this.schedule = schedule;
  }

  public String getIdleAfter() {
    return idleAfter;
  }

  public void setIdleAfter(String idleAfter) {
    this.idleAfter = idleAfter;
  }

  public HibernationSchedule getSchedule() {
    return schedule;
  }

  public void setSchedule(HibernationSchedule schedule) {
    this.schedule = schedule;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hibernation other && Objects.equals(idleAfter, other.idleAfter)
        && Objects.equals(schedule, other.schedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(idleAfter, schedule);
  }
}
