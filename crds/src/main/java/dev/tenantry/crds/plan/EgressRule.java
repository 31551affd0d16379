package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Objects;

/** Destinations outside the namespace that tenants' own NetworkPolicies may open egress to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressRule {

  @Required
  @Pattern("^[0-9a-fA-F.:]+/[0-9]{1,3}$")
  @JsonPropertyDescription("Address range, e.g. 203.0.113.0/24; an owner's ipBlock must lie inside it.")
  private String cidr;

  @JsonPropertyDescription("TCP/UDP ports allowed to that range; empty or unset: every port.")
  private List<Integer> ports;

  public EgressRule() {}

  public EgressRule(String cidr, List<Integer> ports) {
    this.cidr = cidr;
    this.ports = ports;
  }

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  public List<Integer> getPorts() {
    return ports;
  }

  public void setPorts(List<Integer> ports) {
    this.ports = ports;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EgressRule other && Objects.equals(cidr, other.cidr) && Objects.equals(ports, other.ports);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cidr, ports);
  }
}
