package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/** The tenant runtime a plan gives by default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeDefaults {
  /** Runtime pods where neither the tenant nor its plan says (the CRD's default, for objects made before it). */
  public static final int DEFAULT_REPLICAS = 1;

  @Required
  @Size(min = 1, max = 255)
  @JsonPropertyDescription("Container image of the tenant runtime.")
  private String image;

  @Min(0)
  @Max(20)
  @Default("1")
  @JsonPropertyDescription("Number of runtime pods, 0 to 20.")
  private Integer replicas;

  @JsonPropertyDescription("CPU and memory requests and limits of the runtime container.")
  private ResourceRequirements resources;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  /** Pods of a tenant's runtime while it is awake: the tenant's own count, else this plan's, else one. */
  public int replicasFor(RuntimeOverrides own) {
    if (own != null && own.getReplicas() != null) {
      return own.getReplicas();
    }
    return replicas != null ? replicas : DEFAULT_REPLICAS;
  }

  /** Requests and limits of a tenant's runtime container: the tenant's own, else this plan's, else none. */
  public ResourceRequirements resourcesFor(RuntimeOverrides own) {
    if (own != null && own.getResources() != null) {
      return own.getResources();
    }
    return resources != null ? resources : new ResourceRequirements();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeDefaults other
        && Objects.equals(image, other.image)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(resources, other.resources);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, replicas, resources);
  }
}
