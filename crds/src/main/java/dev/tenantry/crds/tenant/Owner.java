package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A user or group that administers a tenant's namespace. */
public class Owner {

  /** Kubernetes subject kinds an owner can be. */
  public enum Kind {
    User,
    Group
  }

  @Required
  @JsonPropertyDescription("User or Group.")
  private Kind kind;

  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription("The user or group name as the cluster's authenticator reports it.")
  private String name;

  public Owner() {}

  public Owner(Kind kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  public Kind getKind() {
    return kind;
  }

  public void setKind(Kind kind) {
    this.kind = kind;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Owner other && kind == other.kind && Objects.equals(name, other.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name);
  }
}
