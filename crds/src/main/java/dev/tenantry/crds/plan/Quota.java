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

  @Override
  public boolean equals(Object o) {
    return o instanceof Quota other
        && Objects.equals(cpu, other.cpu)
        && Objects.equals(memory, other.memory)
        && Objects.equals(pods, other.pods)
        && Objects.equals(storage, other.storage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cpu, memory, pods, storage);
  }
}
