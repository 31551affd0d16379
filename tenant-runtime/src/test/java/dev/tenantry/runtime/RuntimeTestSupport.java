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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

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

  /** Starts a runtime as its pod would (settings as command-line arguments, over application.yaml), on free ports. */
  public static ConfigurableApplicationContext start(Map<String, Object> properties) {
    Map<String, Object> all = new HashMap<>(Map.of("server.port", 0, "management.server.port", 0,
        "tenantry.grpc-port", 0));
    all.putAll(properties);
    return new SpringApplicationBuilder(TenantRuntimeApplication.class)
        .run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
  }

  /** Settings of a runtime of {@link #TENANT} on the embedded store in {@code dir}. */
  public static Map<String, Object> embedded(Path dir) {
    return embedded(dir, TENANT);
  }

  public static Map<String, Object> embedded(Path dir, String tenant) {
    return Map.of("tenantry.tenant", tenant,
        "tenantry.jwks", jwksFile(dir).toString(),
        "tenantry.data-dir", dir.resolve("data").toString());
  }

  /** Settings of a runtime of {@code tenant} on {@code database} of the local PostgreSQL. */
  public static Map<String, Object> postgres(Path dir, String tenant, String database) {
    Map<String, Object> settings = new HashMap<>(embedded(dir, tenant));
    settings.putAll(Map.of("tenantry.storage", "postgres",
        "tenantry.db-url", "postgresql://127.0.0.1:5432/" + database,
        "tenantry.db-user", "postgres"));
    return settings;
  }

  public static WebTestClient http(ConfigurableApplicationContext context) {
    // a first call of a kind warms a fresh JVM up: more than the default 5 s on a loaded 2-core machine
    return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port(context))
        .responseTimeout(Duration.ofSeconds(30)).build();
  }

  public static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Creates a project over REST as a member and returns its id. */
  public static String createProject(WebTestClient http, String name) {
    return http.post().uri("/api/v1/projects").headers(h -> h.setBearerAuth(member()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", name)).exchange()
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
  }

  /** A new, empty database on the local PostgreSQL, owned by the admin user. */
  /**
   * A fresh directory under {@code target/} for one test class's runtime (Spring's property
   * sources are static, so no @TempDir); under the build's own directory because an embedded
   * store may still write on close, after the class has removed it.
   */
  public static Path newDirectory(String prefix) {
    try {
      return Files.createTempDirectory(Files.createDirectories(Path.of("target", "runtime-data")).toAbsolutePath(), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a directory {@link #newDirectory} made, with everything the runtime wrote into it. */
  public static void deleteDirectory(Path dir) {
    org.springframework.util.FileSystemUtils.deleteRecursively(dir.toFile());
  }

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
