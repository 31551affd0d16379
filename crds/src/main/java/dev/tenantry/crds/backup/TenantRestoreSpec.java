package dev.tenantry.crds.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Which backup to restore, and into which tenant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantRestoreSpec {

  @Required
  @JsonPropertyDescription("Name of the TenantBackup to restore; it must be Completed.")
  @Pattern(TenantryApi.DNS_SUBDOMAIN_PATTERN)
  @Size(min = 1, max = 253)
  private String backup;

  @JsonPropertyDescription("The tenant to restore into; unset: the backed-up tenant.")
  private RestoreTarget target;

  public TenantRestoreSpec() {}

  public TenantRestoreSpec(String backup, String targetTenant) {
    this.backup = backup;
    this.target = targetTenant == null ? null : new RestoreTarget(targetTenant);
  }

  public String getBackup() {
    return backup;
  }

  public void setBackup(String backup) {
    this.backup = backup;
  }

  public RestoreTarget getTarget() {
    return target;
  }

  public void setTarget(RestoreTarget target) {
    this.target = target;
  }

  /** The tenant a restore writes into. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RestoreTarget {
    @JsonPropertyDescription("Tenant name: the source's own (in place, or back after a delete) or a new one (a clone).")
    @Pattern(TenantryApi.DNS_LABEL_PATTERN)
    @Size(min = 1, max = TenantryApi.MAX_TENANT_NAME_LENGTH)
    private String tenant;

    public RestoreTarget() {}

    public RestoreTarget(String tenant) {
      this.tenant = tenant;
    }

    public String getTenant() {
      return tenant;
    }

    public void setTenant(String tenant) {
      this.tenant = tenant;
    }
  }
}
