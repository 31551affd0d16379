package dev.tenantry.operator.database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates, inspects and drops tenant databases and roles with the platform admin connection. */
public final class TenantDatabases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TenantDatabases.class);
  private static final Pattern SAFE_NAME = Pattern.compile("^tenant_[a-z0-9_]{1,56}$");
  private static final String COMMENT_PREFIX = "tenantry:sha256:";

  private final PostgresAdmin admin;
  private final HikariDataSource pool;

  public TenantDatabases(PostgresAdmin admin) {
    this.admin = admin;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(admin.jdbcUrl());
    config.setUsername(admin.user());
    config.setPassword(admin.password());
    config.setPoolName("tenantry-postgres-admin");
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    // a missing database server is reported per tenant in its status, not as a start failure
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    this.pool = new HikariDataSource(config);
  }

  @Override
  public void close() {
    pool.close();
  }

  public PostgresAdmin admin() {
    return admin;
  }

  /** The tenant's database as it stands, or empty when the database does not exist. */
  public Optional<TenantDatabase> find(String name) {
    requireSafe(name);
    try (Connection connection = connect();
        PreparedStatement query = connection.prepareStatement(
            "select d.datname, r.rolname, shobj_description(r.oid, 'pg_authid') "
                + "from pg_database d left join pg_roles r on r.rolname = ? where d.datname = ?")) {
      query.setString(1, name);
      query.setString(2, name);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        String comment = rows.getString(3);
        String fingerprint = comment != null && comment.startsWith(COMMENT_PREFIX)
            ? comment.substring(COMMENT_PREFIX.length()) : "";
        return Optional.of(new TenantDatabase(rows.getString(1), rows.getString(2), fingerprint));
      }
    } catch (SQLException e) {
      throw new DatabaseProvisioningException("cannot inspect database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Creates or updates role and database {@code name} so the role logs in with {@code password}. */
  public TenantDatabase ensure(String name, String password) {
    requireSafe(name);
    String fingerprint = fingerprint(password);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      boolean roleExists = exists(connection, "select 1 from pg_roles where rolname = ?", name);
      String literal = quoteLiteral(password);
      if (roleExists) {
        statement.execute("alter role " + name + " with login password " + literal);
      } else {
        statement.execute("create role " + name + " with login password " + literal);
      }
      statement.execute("comment on role " + name + " is " + quoteLiteral(COMMENT_PREFIX + fingerprint));
      if (!exists(connection, "select 1 from pg_database where datname = ?", name)) {
        statement.execute("create database " + name + " owner " + name);
        statement.execute("revoke all on database " + name + " from public");
        LOG.info("created database and role {}", name);
      }
      return new TenantDatabase(name, name, fingerprint);
    } catch (SQLException e) {
      throw new DatabaseProvisioningException("cannot create database " + name + ": " + e.getMessage(), e);
    }
  }

  /** Drops database and role {@code name}, ending open sessions; nothing when absent. */
  public void drop(String name) {
    requireSafe(name);
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("drop database if exists " + name + " with (force)");
      statement.execute("drop role if exists " + name);
      LOG.info("dropped database and role {}", name);
    } catch (SQLException e) {
      throw new DatabaseProvisioningException("cannot drop database " + name + ": " + e.getMessage(), e);
    }
  }

  public static String fingerprint(String password) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Connection connect() throws SQLException {
    return pool.getConnection();
  }

  private static boolean exists(Connection connection, String sql, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  // Identifiers are checked against SAFE_NAME, so they need no quoting; literals are quoted
  // because DDL statements take no bind parameters.
  private static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static void requireSafe(String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a tenant database name: " + name);
    }
  }

  /** A database operation failed; the message says which and why. */
  public static final class DatabaseProvisioningException extends RuntimeException {
    public DatabaseProvisioningException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
