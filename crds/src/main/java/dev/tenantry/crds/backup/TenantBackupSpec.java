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
  @Required
  @JsonPropertyDescription("Name of the Tenant to back up.")
  @Pattern(TenantryApi.DNS_LABEL_PATTERN)
  @Size(min = 1, max = TenantryApi.MAX_TENANT_NAME_LENGTH)
  private String tenant;

  @JsonPropertyDescription("How long to keep the backup after it completed (ISO-8601, e.g. P7D); unset: until deleted.")
  @Pattern(TenantryApi.DURATION_PATTERN)
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
