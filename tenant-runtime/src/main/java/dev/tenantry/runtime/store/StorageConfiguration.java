package dev.tenantry.runtime.store;

import dev.tenantry.runtime.settings.RuntimeSettings;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ValidationDepth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store: an embedded H2 file (PostgreSQL mode) or PostgreSQL, migrated by Flyway over JDBC
 * before the R2DBC pool the application uses is opened.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

  @Bean
  StorageLocation storageLocation(RuntimeSettings settings) {
    return StorageLocation.of(settings);
  }

  /** The application's connections: pooled, and for H2 handed over off the event loops. */
  @Bean
  ConnectionFactory connectionFactory(StorageLocation location) {
    ConnectionPool pool = pool(location);
    return location.postgres() ? pool : new BlockingDriverConnectionFactory(pool);
  }

  private static ConnectionPool pool(StorageLocation location) {
    Flyway.configure()
        .dataSource(location.jdbcUrl(), location.user(), location.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    ConnectionFactory factory = ConnectionFactories.get(ConnectionFactoryOptions.parse(location.r2dbcUrl()).mutate()
        .option(ConnectionFactoryOptions.USER, location.user())
        .option(ConnectionFactoryOptions.PASSWORD, location.password())
        .build());
    return new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
        .maxSize(10)
        .initialSize(1)
        .maxIdleTime(Duration.ofMinutes(10))
        // checked locally (socket open, session not closed) when lent: a query here cost a round
        // trip, or for H2 a parse and an execution, on every borrow
        .validationDepth(ValidationDepth.LOCAL)
        .build());
  }

  /** Where the data lives, as JDBC (for migrations) and R2DBC (for the application) URLs. */
  public record StorageLocation(String jdbcUrl, String r2dbcUrl, String user, String password, boolean postgres,
      Path dataDir) {

    static StorageLocation of(RuntimeSettings settings) {
      if (settings.usesPostgres()) {
        String address = settings.dbUrl().replaceFirst("^(jdbc:|r2dbc:)", "").replaceFirst("^postgres(ql)?://", "");
        return new StorageLocation("jdbc:postgresql://" + address, "r2dbc:postgresql://" + address,
            nullToEmpty(settings.dbUser()), nullToEmpty(settings.dbPassword()), true, null);
      }
      Path dir = Path.of(settings.dataDir()).toAbsolutePath();
      try {
        Files.createDirectories(dir);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
      }
      String file = dir.resolve("tenant").toString();
      // DB_CLOSE_DELAY=-1: the JDBC migration and the R2DBC pool share one open database
      String options = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
      return new StorageLocation("jdbc:h2:file:" + file + options, "r2dbc:h2:file:///" + file + options,
          "sa", "", false, dir);
    }

    private static String nullToEmpty(String value) {
      return value == null ? "" : value;
    }
  }
}
