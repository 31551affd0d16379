package dev.tenantry.runtime.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The runtime's settings, bound from the {@code TENANTRY_*} environment the operator sets
 * (see {@code application.yaml} for the variable behind each).
 */
@ConfigurationProperties("tenantry")
public record RuntimeSettings(
    String tenant,
    boolean devMode,
    String jwks,
    String storage,
    String dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String tlsCert,
    String tlsKey,
    int grpcPort,
    String features,
    Duration heartbeat,
    int subscriberBuffer) {

  public static final String DEV_TENANT = "dev";

  public RuntimeSettings {
    if (!devMode && (tenant == null || tenant.isBlank())) {
      throw new IllegalStateException("TENANTRY_TENANT is required (or TENANTRY_DEV_MODE=true for local use)");
    }
    if (!devMode && (jwks == null || jwks.isBlank())) {
      throw new IllegalStateException(
          "TENANTRY_JWKS (file or URL of the platform JWKS) is required unless TENANTRY_DEV_MODE=true");
    }
    if (!"embedded".equals(storage) && !"postgres".equals(storage)) {
      throw new IllegalStateException("TENANTRY_STORAGE must be 'embedded' or 'postgres', not '" + storage + "'");
    }
    if ("postgres".equals(storage) && (dbUrl == null || dbUrl.isBlank())) {
      throw new IllegalStateException("TENANTRY_STORAGE=postgres needs TENANTRY_DB_URL");
    }
  }

  /** This instance's tenant: the configured one, or {@code dev} in dev mode without one. */
  public String tenantName() {
    return tenant == null || tenant.isBlank() ? DEV_TENANT : tenant;
  }

  /** Tokens are verified against a JWKS fetched over HTTP, which may wait on the network. */
  public boolean remoteJwks() {
    return jwks != null && jwks.matches("^https?://.*");
  }

  public boolean usesPostgres() {
    return "postgres".equals(storage);
  }

  public boolean tlsConfigured() {
    return tlsCert != null && !tlsCert.isBlank() && tlsKey != null && !tlsKey.isBlank();
  }
}
