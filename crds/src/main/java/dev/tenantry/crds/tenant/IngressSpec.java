package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.TenantryApi;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Public DNS name of a tenant. */
public class IngressSpec {

  @Size(max = 253)
  @Pattern(TenantryApi.DNS_SUBDOMAIN_PATTERN)
  @JsonPropertyDescription("DNS name (RFC 1123 subdomain) the tenant is reachable at.")
  private String host;

  public IngressSpec() {}

  public IngressSpec(String host) {
    this.host = host;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IngressSpec other && Objects.equals(host, other.host);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(host);
  }
}
