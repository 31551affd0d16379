package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.List;
import java.util.Objects;

/** What a tenant's own workloads may do in its namespace; the admission webhook enforces it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanPolicy {

  @Default("restricted")
  @JsonPropertyDescription("Pod Security Standard every pod of the tenant namespace must meet: restricted or baseline.")
  private PodSecurityLevel podSecurity;

  @JsonPropertyDescription("Service types tenants may create; default [ClusterIP] (NodePort, LoadBalancer and "
      + "ExternalName refused).")
  private List<ServiceType> allowedServiceTypes;

  @JsonPropertyDescription("Image prefixes pods may use, e.g. registry.example.com/; empty or unset: any image.")
  private List<String> allowedRegistries;

  public PodSecurityLevel getPodSecurity() {
    return podSecurity;
  }

  public void setPodSecurity(PodSecurityLevel podSecurity) {
    this.podSecurity = podSecurity;
  }

  public List<ServiceType> getAllowedServiceTypes() {
    return allowedServiceTypes;
  }

  public void setAllowedServiceTypes(List<ServiceType> allowedServiceTypes) {
    this.allowedServiceTypes = allowedServiceTypes;
  }

  public List<String> getAllowedRegistries() {
    return allowedRegistries;
  }

  public void setAllowedRegistries(List<String> allowedRegistries) {
    this.allowedRegistries = allowedRegistries;
  }

  /** The level in force: restricted unless the plan relaxes it. */
  @JsonIgnore
  public PodSecurityLevel effectivePodSecurity() {
    return podSecurity == null ? PodSecurityLevel.RESTRICTED : podSecurity;
  }

  /** The Service types in force: ClusterIP alone unless the plan says otherwise. */
  @JsonIgnore
  public List<ServiceType> effectiveServiceTypes() {
    return allowedServiceTypes == null || allowedServiceTypes.isEmpty() ? List.of(ServiceType.ClusterIP)
        : allowedServiceTypes;
  }

  /** The image prefixes in force; empty means any image. */
  @JsonIgnore
  public List<String> effectiveRegistries() {
    return allowedRegistries == null ? List.of() : allowedRegistries;
  }

  /** Whether {@code image} starts with one of the allowed prefixes (any image when none are set). */
  public boolean allowsImage(String image) {
    List<String> prefixes = effectiveRegistries();
    return prefixes.isEmpty() || (image != null && prefixes.stream().anyMatch(image::startsWith));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanPolicy other
        && podSecurity == other.podSecurity
        && Objects.equals(allowedServiceTypes, other.allowedServiceTypes)
        && Objects.equals(allowedRegistries, other.allowedRegistries);
  }

  @Override
  public int hashCode() {
    return Objects.hash(podSecurity, allowedServiceTypes, allowedRegistries);
  }
}
