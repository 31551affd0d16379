package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What an admin asks for: a plan, owners, and optional overrides of the plan. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantSpec {

  @JsonPropertyDescription("Human-readable name shown in the console.")
  @Size(max = 100)
  private String displayName;

  @Required
  @JsonPropertyDescription("Name of the TenantPlan this tenant is provisioned from.")
  @Pattern(TenantryApi.DNS_LABEL_PATTERN)
  @Size(min = 1, max = 63)
  private String plan;

  @JsonPropertyDescription("Users and groups that get admin rights in the tenant namespace.")
  private List<Owner> owners = new ArrayList<>();

  @JsonPropertyDescription("Scale the runtime to zero and keep the data.")
  @Default("false")
  private Boolean suspended;

  @JsonPropertyDescription("When the runtime hibernates (scaled to zero, woken by the next call); the plan's default when unset.")
  private Hibernation hibernation;

  @JsonPropertyDescription("Overrides of the plan's runtime defaults.")
  private RuntimeOverrides runtime;

  @JsonPropertyDescription("Where the tenant keeps its data; the plan's default when unset.")
  private StorageSpec storage;

  @JsonPropertyDescription("Public entry point of the tenant runtime.")
  private IngressSpec ingress;

  @JsonPropertyDescription("What happens to the tenant's data when the Tenant is deleted.")
  @Default("Delete")
  private DeletionPolicy deletionPolicy;

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public String getPlan() {
    return plan;
  }

  public void setPlan(String plan) {
    this.plan = plan;
  }

  public List<Owner> getOwners() {
    return owners;
  }

  public void setOwners(List<Owner> owners) {
    this.owners = owners;
  }

  public Boolean getSuspended() {
    return suspended;
  }

  public void setSuspended(Boolean suspended) {
    this.suspended = suspended;
  }

  /** Whether the tenant is suspended; unset means running. */
  @JsonIgnore
  public boolean isSuspendedRequested() {
    return Boolean.TRUE.equals(suspended);
  }

  public Hibernation getHibernation() {
    return hibernation;
  }

  public void setHibernation(Hibernation hibernation) {
    this.hibernation = hibernation;
  }

  public RuntimeOverrides getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeOverrides runtime) {
    this.runtime = runtime;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public IngressSpec getIngress() {
    return ingress;
  }

  public void setIngress(IngressSpec ingress) {
    this.ingress = ingress;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  /** The deletion policy in force: {@code Delete} unless {@code Retain} is asked for. */
  public DeletionPolicy effectiveDeletionPolicy() {
    return deletionPolicy == null ? DeletionPolicy.Delete : deletionPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantSpec other
        && Objects.equals(displayName, other.displayName)
        && Objects.equals(plan, other.plan)
        && Objects.equals(owners, other.owners)
        && Objects.equals(suspended, other.suspended)
        && Objects.equals(hibernation, other.hibernation)
        && Objects.equals(runtime, other.runtime)
        && Objects.equals(storage, other.storage)
        && Objects.equals(ingress, other.ingress)
        && Objects.equals(deletionPolicy, other.deletionPolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(displayName, plan, owners, suspended, hibernation, runtime, storage, ingress, deletionPolicy);
  }
}
