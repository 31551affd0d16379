package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/** One wave: how many of the selected tenants run the new image once it is through (cumulative). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Wave {

  @JsonPropertyDescription("Name shown in the status and events; default wave-<n> (1-based).")
  @Size(max = 63)
  private String name;

  @Required
  @JsonPropertyDescription("Selected tenants on the new image once this wave is through: a count (e.g. 1) or a "
      + "percentage (e.g. 25%) of the selected tenants, rounded up. The last wave always takes the rest.")
  @Pattern(RolloutSizes.COUNT_OR_PERCENT_PATTERN)
  private IntOrString tenants;

  public Wave() {}

  public Wave(String name, IntOrString tenants) {
    this.name = name;
    this.tenants = tenants;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public IntOrString getTenants() {
    return tenants;
  }

  public void setTenants(IntOrString tenants) {
    this.tenants = tenants;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Wave other && Objects.equals(name, other.name) && Objects.equals(tenants, other.tenants);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, tenants);
  }
}
