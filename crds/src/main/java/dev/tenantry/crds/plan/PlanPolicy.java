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

  @JsonPropertyDescription("Host names tenants' own Ingresses may use besides the Tenant's spec.ingress.host: "
      + "patterns where {tenant} stands for the tenant's name, e.g. {tenant}.apps.example.com or "
      + "*.{tenant}.apps.example.com (any one label in place of the star). Unset: only spec.ingress.host.")
  private List<String> ingressHostnames;

  @JsonPropertyDescription("Ingress classes tenants' Ingresses may name; unset or empty: any class.")
  private List<String> ingressClasses;

  @JsonPropertyDescription("Address ranges outside the namespace tenants' own NetworkPolicies may open egress to; "
      + "unset: none beyond what the platform's policy grants.")
  private List<EgressRule> egress;

  @JsonPropertyDescription("PriorityClass names tenants' pods may use; unset: none (the cluster's default applies).")
  private List<String> priorityClasses;

  @JsonPropertyDescription("Tolerations tenants' pods may carry, matched by key, operator, value and effect; unset: "
      + "none beyond the not-ready/unreachable ones Kubernetes adds to every pod.")
  private List<io.fabric8.kubernetes.api.model.Toleration> tolerations;

  @JsonPropertyDescription("Node labels of the plan's node pool: every tenant pod must select them in its "
      + "nodeSelector (the runtime does); unset: any node. Naming a node (nodeName, kubernetes.io/hostname) is always refused.")
  private java.util.Map<String, String> nodePool;

  public List<String> getIngressHostnames() {
    return ingressHostnames;
  }

  public void setIngressHostnames(List<String> ingressHostnames) {
    this.ingressHostnames = ingressHostnames;
  }

  public List<String> getIngressClasses() {
    return ingressClasses;
  }

  public void setIngressClasses(List<String> ingressClasses) {
    this.ingressClasses = ingressClasses;
  }

  public List<EgressRule> getEgress() {
    return egress;
  }

  public void setEgress(List<EgressRule> egress) {
    this.egress = egress;
  }

  public List<String> getPriorityClasses() {
    return priorityClasses;
  }

  public void setPriorityClasses(List<String> priorityClasses) {
    this.priorityClasses = priorityClasses;
  }

  public List<io.fabric8.kubernetes.api.model.Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<io.fabric8.kubernetes.api.model.Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public java.util.Map<String, String> getNodePool() {
    return nodePool;
  }

  public void setNodePool(java.util.Map<String, String> nodePool) {
    this.nodePool = nodePool;
  }

  /** The host patterns in force, {@code {tenant}} replaced by the tenant's name. */
  @JsonIgnore
  public List<String> ingressHostsOf(String tenant) {
    return ingressHostnames == null ? List.of()
        : ingressHostnames.stream().map(pattern -> pattern.replace("{tenant}", tenant)).toList();
  }

  @JsonIgnore
  public List<String> effectiveIngressClasses() {
    return ingressClasses == null ? List.of() : ingressClasses;
  }

  @JsonIgnore
  public List<EgressRule> effectiveEgress() {
    return egress == null ? List.of() : egress;
  }

  @JsonIgnore
  public List<String> effectivePriorityClasses() {
    return priorityClasses == null ? List.of() : priorityClasses;
  }

  @JsonIgnore
  public List<io.fabric8.kubernetes.api.model.Toleration> effectiveTolerations() {
    return tolerations == null ? List.of() : tolerations;
  }

  @JsonIgnore
  public java.util.Map<String, String> effectiveNodePool() {
    return nodePool == null ? java.util.Map.of() : nodePool;
  }

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
        && Objects.equals(allowedRegistries, other.allowedRegistries)
        && Objects.equals(ingressHostnames, other.ingressHostnames)
        && Objects.equals(ingressClasses, other.ingressClasses)
        && Objects.equals(egress, other.egress)
        && Objects.equals(priorityClasses, other.priorityClasses)
        && Objects.equals(tolerations, other.tolerations)
        && Objects.equals(nodePool, other.nodePool);
  }

  @Override
  public int hashCode() {
    return Objects.hash(podSecurity, allowedServiceTypes, allowedRegistries, ingressHostnames, ingressClasses, egress,
        priorityClasses, tolerations, nodePool);
  }
}
