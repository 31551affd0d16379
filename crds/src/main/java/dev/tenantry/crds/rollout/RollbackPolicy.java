package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Objects;

/** What happens when the health gate fails. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackPolicy {

  @JsonPropertyDescription("true: every tenant the rollout moved goes back to the image it had, the rollout ends "
      + "RolledBack; false: the rollout ends Failed and the moved tenants stay where they are.")
  @Default("true")
  private Boolean auto;

  public RollbackPolicy() {}

  public RollbackPolicy(Boolean auto) {
    this.auto = auto;
  }

  public Boolean getAuto() {
    return auto;
  }

  public void setAuto(Boolean auto) {
    this.auto = auto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RollbackPolicy other && Objects.equals(auto, other.auto);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(auto);
  }
}
