package dev.tenantry.operator.database;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Admin connection to the platform PostgreSQL, and the address tenant pods use to reach it.
 *
 * @param jdbcUrl admin connection, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}
 * @param tenantHost host name or address tenant runtimes connect to (may differ from the
 *     operator's view, e.g. a Service name in the cluster)
 */
public record PostgresAdmin(String jdbcUrl, String user, String password, String tenantHost, int tenantPort) {

  public PostgresAdmin {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
  }

  /**
   * From {@code TENANTRY_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD} and optionally
   * {@code TENANTRY_POSTGRES_TENANT_HOST} / {@code _TENANT_PORT}; empty when no URL is set.
   */
  public static Optional<PostgresAdmin> fromEnvironment(Map<String, String> env) {
    String url = env.get("TENANTRY_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("TENANTRY_POSTGRES_URL must start with jdbc:postgresql:// but is " + url);
    }
    URI uri = URI.create(url.substring("jdbc:".length()));
    String host = env.getOrDefault("TENANTRY_POSTGRES_TENANT_HOST", uri.getHost());
    int port = Integer.parseInt(env.getOrDefault("TENANTRY_POSTGRES_TENANT_PORT",
        String.valueOf(uri.getPort() > 0 ? uri.getPort() : 5432)));
    return Optional.of(new PostgresAdmin(url, env.getOrDefault("TENANTRY_POSTGRES_USER", "postgres"),
        env.get("TENANTRY_POSTGRES_PASSWORD"), host, port));
  }
}
