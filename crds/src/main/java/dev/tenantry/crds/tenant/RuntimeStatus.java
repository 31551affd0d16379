package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** The runtime Deployment as the operator last saw it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeStatus {
  private String image;
  private Integer replicas;
  private Integer readyReplicas;

  public RuntimeStatus() {}

  public RuntimeStatus(String image, Integer replicas, Integer readyReplicas) {
    this.image = image;
    this.replicas = replicas;
    this.readyReplicas = readyReplicas;
  }

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

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeStatus other
        && Objects.equals(image, other.image)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(readyReplicas, other.readyReplicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, replicas, readyReplicas);
  }
}
