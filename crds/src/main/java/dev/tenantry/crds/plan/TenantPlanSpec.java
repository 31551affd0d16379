package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.tenant.Hibernation;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** The plan's quota, limit-range defaults, runtime defaults, features and storage default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantPlanSpec {

  @JsonPropertyDescription("Human-readable description shown in the console.")
  private String description;

  @Required
  @JsonPropertyDescription("ResourceQuota of each tenant namespace on this plan.")
  private Quota quota;

  @JsonPropertyDescription("LimitRange defaults for containers in the tenant namespace.")
  private LimitRangeDefaults limitRange;

  @Required
  @JsonPropertyDescription("Runtime image, replicas and resources of tenants on this plan.")
  private RuntimeDefaults runtime;

  @JsonPropertyDescription("Which APIs the tenant runtime serves.")
  private Features features;

  @JsonPropertyDescription("Default storage of tenants on this plan.")
  private PlanStorage storage;

  @JsonPropertyDescription("What tenants' own workloads may do: Pod Security level, Service types, image registries.")
  private PlanPolicy policy;

  @JsonPropertyDescription("Default hibernation of tenants on this plan; a tenant's own replaces it.")
  private Hibernation hibernation;

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }

  public Quota getQuota() {
    return quota;
  }

  public void setQuota(Quota quota) {
    this.quota = quota;
  }

  public LimitRangeDefaults getLimitRange() {
    return limitRange;
  }

  public void setLimitRange(LimitRangeDefaults limitRange) {
    this.limitRange = limitRange;
  }

  public RuntimeDefaults getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeDefaults runtime) {
    this.runtime = runtime;
  }

  public Features getFeatures() {
    return features;
  }

  public void setFeatures(Features features) {
    this.features = features;
  }

  public PlanStorage getStorage() {
    return storage;
  }

  public void setStorage(PlanStorage storage) {
    this.storage = storage;
  }

  public PlanPolicy getPolicy() {
    return policy;
  }

  public void setPolicy(PlanPolicy policy) {
    this.policy = policy;
  }

  public Hibernation getHibernation() {
    return hibernation;
  }

  public void setHibernation(Hibernation hibernation) {
    this.hibernation = hibernation;
  }

  /** The policy in force: the plan's, or the strictest one when the plan has none. */
  @JsonIgnore
  public PlanPolicy effectivePolicy() {
    return policy == null ? new PlanPolicy() : policy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantPlanSpec other
        && Objects.equals(description, other.description)
        && Objects.equals(quota, other.quota)
        && Objects.equals(limitRange, other.limitRange)
        && Objects.equals(runtime, other.runtime)
        && Objects.equals(features, other.features)
        && Objects.equals(storage, other.storage)
        && Objects.equals(policy, other.policy)
        && Objects.equals(hibernation, other.hibernation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(description, quota, limitRange, runtime, features, storage, policy, hibernation);
  }
}
