package dev.tenantry.crds.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.TenantSelector;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Whose backups (exactly one of tenant and selector), when, and how many to keep. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantBackupScheduleSpec {

  @JsonPropertyDescription("One tenant to back up; or use selector.")
  @Pattern(TenantryApi.DNS_LABEL_PATTERN)
  @Size(min = 1, max = TenantryApi.MAX_TENANT_NAME_LENGTH)
  private String tenant;

  @JsonPropertyDescription("Every tenant this selects is backed up; or use tenant.")
  private TenantSelector selector;

  @Required
  @JsonPropertyDescription("Cron expression of five fields (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'.")
  @Pattern(TenantryApi.CRON_PATTERN)
  private String schedule;

  @JsonPropertyDescription("IANA time zone the schedule is read in, e.g. Europe/Berlin.")
  @Default("UTC")
  private String timeZone;

  @JsonPropertyDescription("How many completed backups to keep per tenant; older ones are deleted.")
  @Default("7")
  @Min(1)
  @Max(1000)
  private Integer keep;

  public String getTenant() {
    return tenant;
  }

  public void setTenant(String tenant) {
    this.tenant = tenant;
  }

  public TenantSelector getSelector() {
    return selector;
  }

  public void setSelector(TenantSelector selector) {
    this.selector = selector;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public Integer getKeep() {
    return keep;
  }

  public void setKeep(Integer keep) {
    this.keep = keep;
  }
}
