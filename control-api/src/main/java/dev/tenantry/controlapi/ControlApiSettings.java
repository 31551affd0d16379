package dev.tenantry.controlapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The control API's settings from the environment (see {@code application.yaml}).
 *
 * @param oidcIssuer an external OIDC issuer whose tokens admins use; empty for the embedded
 *     default (a platform key and a bootstrap admin token)
 */
@ConfigurationProperties("tenantry")
public record ControlApiSettings(
    String namespace,
    String oidcIssuer,
    Duration adminTokenTtl,
    Duration maxTenantTokenTtl,
    Duration heartbeat,
    int subscriberBuffer) {

  public boolean embeddedIssuer() {
    return oidcIssuer == null || oidcIssuer.isBlank();
  }
}
