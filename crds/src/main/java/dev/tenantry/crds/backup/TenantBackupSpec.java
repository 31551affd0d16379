package dev.tenantry.crds.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Which tenant to back up, and how long to keep the backup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantBackupSpec {
  /**
   * ISO-8601 duration of days, hours, minutes and seconds, e.g. {@code P7D} or {@code PT12H}
   * (RE2 syntax, as the API server checks it: no look-ahead, so each non-empty form is spelled out).
   */
  public static final String DURATION_PATTERN =
      "^P([0-9]+D|([0-9]+D)?T([0-9]+H([0-9]+M)?([0-9]+S)?|[0-9]+M([0-9]+S)?|[0-9]+S))$";

  @Required
  @JsonPropertyDescription("Name of the Tenant to back up.")
  @Pattern(TenantryApi.DNS_LABEL_PATTERN)
  @Size(min = 1, max = TenantryApi.MAX_TENANT_NAME_LENGTH)
  private String tenant;

  @JsonPropertyDescription("How long to keep the backup after it completed (ISO-8601, e.g. P7D); unset: until deleted.")
  @Pattern(DURATION_PATTERN)
  private String ttl;

  public TenantBackupSpec() {}

  public TenantBackupSpec(String tenant, String ttl) {
    this.tenant = tenant;
    this.ttl = ttl;
  }

  public String getTenant() {
    return tenant;
  }

  public void setTenant(String tenant) {
    this.tenant = tenant;
  }

  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
  }
}
