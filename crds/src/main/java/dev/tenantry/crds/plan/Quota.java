package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Objects;

/** Hard limits of a tenant namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Quota {

  @Required
  @JsonPropertyDescription("Total CPU limit of the namespace, e.g. 2 or 500m.")
  private Quantity cpu;

  @Required
  @JsonPropertyDescription("Total memory limit of the namespace, e.g. 2Gi.")
  private Quantity memory;

  @Min(1)
  @JsonPropertyDescription("Maximum number of pods.")
  private Integer pods;

  @JsonPropertyDescription("Total storage requested by PersistentVolumeClaims, e.g. 10Gi.")
  private Quantity storage;

  @JsonPropertyDescription("Total ephemeral storage (container writable layers, logs, emptyDirs) the namespace may request and use, e.g. 4Gi; default 4Gi.")
  private Quantity ephemeralStorage;

  @Min(0)
  @JsonPropertyDescription("Maximum number of Services; default 10.")
  private Integer services;

  @Min(0)
  @JsonPropertyDescription("Maximum number of NodePort Services, where the policy allows the type; default 0. Always 0 where it does not.")
  private Integer nodePorts;

  @Min(0)
  @JsonPropertyDescription("Maximum number of LoadBalancer Services, where the policy allows the type; default 0. Always 0 where it does not.")
  private Integer loadBalancers;

  @Min(0)
  @JsonPropertyDescription("Maximum number of Secrets; default 50.")
  private Integer secrets;

  @Min(0)
  @JsonPropertyDescription("Maximum number of ConfigMaps; default 50.")
  private Integer configMaps;

  @Min(0)
  @JsonPropertyDescription("Maximum number of PersistentVolumeClaims; default 5.")
  private Integer persistentVolumeClaims;

  @Min(0)
  @JsonPropertyDescription("Maximum number of ReplicationControllers; default 0 (Deployments are the way).")
  private Integer replicationControllers;

  @JsonPropertyDescription("Object counts per kind, as ResourceQuota's count/<resource>.<group> (e.g. "
      + "networkpolicies.networking.k8s.io: 20); a kind named here replaces the platform's default count for it.")
  private java.util.Map<String, Integer> objectCounts;

  public java.util.Map<String, Integer> getObjectCounts() {
    return objectCounts;
  }

  public void setObjectCounts(java.util.Map<String, Integer> objectCounts) {
    this.objectCounts = objectCounts;
  }

  public Quantity getCpu() {
    return cpu;
  }

  public void setCpu(Quantity cpu) {
    this.cpu = cpu;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }

  public Integer getPods() {
    return pods;
  }

  public void setPods(Integer pods) {
    this.pods = pods;
  }

  public Quantity getStorage() {
    return storage;
  }

  public void setStorage(Quantity storage) {
    this.storage = storage;
  }

  public Quantity getEphemeralStorage() {
    return ephemeralStorage;
  }

  public void setEphemeralStorage(Quantity ephemeralStorage) {
    this.ephemeralStorage = ephemeralStorage;
  }

  public Integer getServices() {
    return services;
  }

  public void setServices(Integer services) {
    this.services = services;
  }

  public Integer getNodePorts() {
    return nodePorts;
  }

  public void setNodePorts(Integer nodePorts) {
    this.nodePorts = nodePorts;
  }

  public Integer getLoadBalancers() {
    return loadBalancers;
  }

  public void setLoadBalancers(Integer loadBalancers) {
    this.loadBalancers = loadBalancers;
  }

  public Integer getSecrets() {
    return secrets;
  }

  public void setSecrets(Integer secrets) {
    this.secrets = secrets;
  }

  public Integer getConfigMaps() {
    return configMaps;
  }

  public void setConfigMaps(Integer configMaps) {
    this.configMaps = configMaps;
  }

  public Integer getPersistentVolumeClaims() {
    return persistentVolumeClaims;
  }

  public void setPersistentVolumeClaims(Integer persistentVolumeClaims) {
    this.persistentVolumeClaims = persistentVolumeClaims;
  }

  public Integer getReplicationControllers() {
    return replicationControllers;
  }

  public void setReplicationControllers(Integer replicationControllers) {
    this.replicationControllers = replicationControllers;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quota other
        && Objects.equals(cpu, other.cpu)
        && Objects.equals(memory, other.memory)
        && Objects.equals(pods, other.pods)
        && Objects.equals(storage, other.storage)
        && Objects.equals(ephemeralStorage, other.ephemeralStorage)
        && Objects.equals(services, other.services)
        && Objects.equals(nodePorts, other.nodePorts)
        && Objects.equals(loadBalancers, other.loadBalancers)
        && Objects.equals(secrets, other.secrets)
        && Objects.equals(configMaps, other.configMaps)
        && Objects.equals(persistentVolumeClaims, other.persistentVolumeClaims)
        && Objects.equals(replicationControllers, other.replicationControllers)
        && Objects.equals(objectCounts, other.objectCounts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpu, memory, pods, storage, ephemeralStorage, services, nodePorts, loadBalancers, secrets, configMaps, persistentVolumeClaims, replicationControllers, objectCounts);
  }
}
