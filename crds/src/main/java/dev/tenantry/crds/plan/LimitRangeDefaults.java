package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Objects;

/** Requests and limits given to containers in a tenant namespace that state none. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LimitRangeDefaults {

  @JsonPropertyDescription("Default requests by resource name (cpu, memory).")
  private Map<String, Quantity> defaultRequest;

  @JsonPropertyDescription("Default limits by resource name (cpu, memory).")
  private Map<String, Quantity> defaultLimit;

  @JsonPropertyDescription("Largest limits a single container may set.")
  private Map<String, Quantity> max;

  public Map<String, Quantity> getDefaultRequest() {
    return defaultRequest;
  }

  public void setDefaultRequest(Map<String, Quantity> defaultRequest) {
    this.defaultRequest = defaultRequest;
  }

  public Map<String, Quantity> getDefaultLimit() {
    return defaultLimit;
  }

  public void setDefaultLimit(Map<String, Quantity> defaultLimit) {
    this.defaultLimit = defaultLimit;
  }

  public Map<String, Quantity> getMax() {
    return max;
  }

  public void setMax(Map<String, Quantity> max) {
    this.max = max;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LimitRangeDefaults other
        && Objects.equals(defaultRequest, other.defaultRequest)
        && Objects.equals(defaultLimit, other.defaultLimit)
        && Objects.equals(max, other.max);
  }

  @Override
  public int hashCode() {
    return Objects.hash(defaultRequest, defaultLimit, max);
  }
}
