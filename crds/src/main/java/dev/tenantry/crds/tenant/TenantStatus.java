package dev.tenantry.crds.tenant;

import dev.tenantry.crds.ConditionedStatus;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** What the operator observed and did; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantStatus extends ConditionedStatus {

  private Phase phase;
  private Long observedGeneration;
  private String namespace;
  private Endpoints endpoints;
  private RuntimeStatus runtime;
  private Provisioning provisioning;
  private HibernationStatus hibernation;

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public Endpoints getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  public RuntimeStatus getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeStatus runtime) {
    this.runtime = runtime;
  }

  public Provisioning getProvisioning() {
    return provisioning;
  }

  public void setProvisioning(Provisioning provisioning) {
    this.provisioning = provisioning;
  }

  public HibernationStatus getHibernation() {
    return hibernation;
  }

  public void setHibernation(HibernationStatus hibernation) {
    this.hibernation = hibernation;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantStatus other
        && phase == other.phase
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(namespace, other.namespace)
        && sameConditions(other)
        && Objects.equals(endpoints, other.endpoints)
        && Objects.equals(runtime, other.runtime)
        && Objects.equals(provisioning, other.provisioning)
        && Objects.equals(hibernation, other.hibernation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, observedGeneration, namespace, getConditions(), endpoints, runtime, provisioning, hibernation);
  }
}
