package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A Pod Security Standard level, as the Kubernetes documentation defines them (privileged is not offered). */
public enum PodSecurityLevel {
  @JsonProperty("restricted")
  RESTRICTED("restricted"),
  @JsonProperty("baseline")
  BASELINE("baseline");

  private final String label;

  PodSecurityLevel(String label) {
    this.label = label;
  }

  /** The level's name as Kubernetes spells it (the {@code pod-security.kubernetes.io/*} label value). */
  public String label() {
    return label;
  }
}
