package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The runtime Deployment and Service as the operator last saw them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RuntimeStatus {
  private String image;
  private Integer replicas;
  private Integer readyReplicas;
  @JsonPropertyDescription("Cluster IP of the runtime Service: what platform clients dial where there is no cluster DNS")
  private String serviceIP;
  @JsonPropertyDescription("The TenantRollout that moved this tenant to its image, while it applies")
  private String rollout;

  public RuntimeStatus() {}

  public RuntimeStatus(String image, Integer replicas, Integer readyReplicas) {
    this(image, replicas, readyReplicas, null);
  }

  public RuntimeStatus(String image, Integer replicas, Integer readyReplicas, String serviceIP) {
    this(image, replicas, readyReplicas, serviceIP, null);
  }

  public RuntimeStatus(String image, Integer replicas, Integer readyReplicas, String serviceIP, String rollout) {
    this.image = image;
    this.replicas = replicas;
    this.readyReplicas = readyReplicas;
    this.serviceIP = serviceIP;
    this.rollout = rollout;
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

  public String getServiceIP() {
    return serviceIP;
  }

  public void setServiceIP(String serviceIP) {
    this.serviceIP = serviceIP;
  }

  public String getRollout() {
    return rollout;
  }

  public void setRollout(String rollout) {
    this.rollout = rollout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeStatus other
        && Objects.equals(image, other.image)
        && Objects.equals(replicas, other.replicas)
        && Objects.equals(readyReplicas, other.readyReplicas)
        && Objects.equals(serviceIP, other.serviceIP)
        && Objects.equals(rollout, other.rollout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, replicas, readyReplicas, serviceIP, rollout);
  }
}
