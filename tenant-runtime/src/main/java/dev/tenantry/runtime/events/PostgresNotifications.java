package dev.tenantry.runtime.events;

import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.StorageConfiguration.StorageLocation;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * On PostgreSQL, listens for the commits of every replica (NOTIFY on the event channel) so
 * each replica's subscribers get all events, whichever replica wrote them.
 */
@Component
public class PostgresNotifications implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresNotifications.class);

  private final StorageLocation location;
  private final EventBus bus;
  private volatile Disposable listening;

  public PostgresNotifications(StorageLocation location, EventBus bus) {
    this.location = location;
    this.bus = bus;
  }

  @Override
  public void start() {
    if (!location.postgres()) {
      return;
    }
    var factory = ConnectionFactories.get(ConnectionFactoryOptions.parse(location.r2dbcUrl()).mutate()
        .option(ConnectionFactoryOptions.USER, location.user())
        .option(ConnectionFactoryOptions.PASSWORD, location.password())
        .build());
    listening = Flux.usingWhen(
            Mono.from(factory.create()).cast(PostgresqlConnection.class),
            connection -> connection.createStatement("LISTEN " + EventStore.NOTIFY_CHANNEL).execute()
                .flatMap(result -> result.getRowsUpdated())
                // a (re)connected listener may have missed notifications: catch up once
                .thenMany(Flux.just(Boolean.TRUE).concatWith(connection.getNotifications().map(n -> Boolean.TRUE))),
            connection -> connection.close())
        .doOnNext(signal -> bus.committed())
        .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
            .doBeforeRetry(s -> LOG.warn("event notifications lost, reconnecting: {}", s.failure().getMessage())))
        .subscribe();
  }

  @Override
  public void stop() {
    if (listening != null) {
      listening.dispose();
    }
  }

  /** Before the web and gRPC servers start, so no request finds the bus stopped. */
  @Override
  public int getPhase() {
    return 1;
  }

  @Override
  public boolean isRunning() {
    return listening != null && !listening.isDisposed();
  }
}
