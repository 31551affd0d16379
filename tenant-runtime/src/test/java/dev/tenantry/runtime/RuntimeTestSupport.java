package dev.tenantry.runtime;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tenantry.runtime.security.TenantTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What runtime tests share: a platform key whose JWKS the runtime trusts (as the operator
 * mounts it), tokens of every kind, and a fresh store (an H2 directory, or a database of its
 * own on the local PostgreSQL).
 */
public final class RuntimeTestSupport {
  public static final String TENANT = "acme";
  public static final ECKey PLATFORM_KEY = TenantTokens.newKey();
  public static final ECKey STRANGER_KEY = TenantTokens.newKey();
  public static final String POSTGRES_ADMIN_URL =
      System.getProperty("tenantry.postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres");

  private RuntimeTestSupport() {}

  public static String admin() {
    return token("alice", List.of("tenant-admin"));
  }

  public static String member() {
    return token("bob", List.of("member"));
  }

  public static String viewer() {
    return token("victor", List.of("viewer"));
  }

  public static String token(String subject, List<String> roles) {
    return TenantTokens.sign(PLATFORM_KEY, TENANT, subject, roles, Duration.ofMinutes(10));
  }

  public static String otherTenant() {
    return TenantTokens.sign(PLATFORM_KEY, "globex", "mallory", List.of("tenant-admin"), Duration.ofMinutes(10));
  }

  public static String expired() {
    return TenantTokens.sign(PLATFORM_KEY, TENANT, "alice", List.of("tenant-admin"),
        java.time.Instant.now().minus(Duration.ofHours(1)), Duration.ofMinutes(10));
  }

  public static String badSignature() {
    return TenantTokens.sign(STRANGER_KEY, TENANT, "alice", List.of("tenant-admin"), Duration.ofMinutes(10));
  }

  /** Writes the platform JWKS where the operator would mount it and returns the path. */
  public static Path jwksFile(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("jwks.json");
      Files.writeString(file, new JWKSet(PLATFORM_KEY.toPublicJWK()).toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Common properties of a runtime under test; ports are free ones. */
  public static void register(DynamicPropertyRegistry registry, Path dir) {
    registry.add("tenantry.tenant", () -> TENANT);
    registry.add("tenantry.jwks", () -> jwksFile(dir).toString());
    registry.add("tenantry.data-dir", () -> dir.resolve("data").toString());
    registry.add("tenantry.grpc-port", () -> 0);
    registry.add("management.server.port", () -> 0);
  }

  /** A new, empty database on the local PostgreSQL, owned by the admin user. */
  public static String newPostgresDatabase() {
    String name = "runtime_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("the local PostgreSQL (" + POSTGRES_ADMIN_URL + ") is needed: " + e.getMessage(), e);
    }
    return name;
  }

  public static void dropPostgresDatabase(String name) {
    try (Connection connection = DriverManager.getConnection(POSTGRES_ADMIN_URL, "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void registerPostgres(DynamicPropertyRegistry registry, String database) {
    registry.add("tenantry.storage", () -> "postgres");
    registry.add("tenantry.db-url", () -> "postgresql://127.0.0.1:5432/" + database);
    registry.add("tenantry.db-user", () -> "postgres");
    registry.add("tenantry.db-password", () -> "");
  }
}
