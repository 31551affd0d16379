package dev.tenantry.runtime.store;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The embedded H2 driver does its work on the thread that subscribes, and may wait on row
 * locks there; this hands every connection over on a worker thread, so everything done with
 * it stays off the Netty event loops that serve HTTP, WebSocket and the other clients.
 */
final class BlockingDriverConnectionFactory implements ConnectionFactory, Closeable {
  private final ConnectionFactory delegate;
  private final Scheduler scheduler = Schedulers.boundedElastic();

  BlockingDriverConnectionFactory(ConnectionFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public Publisher<? extends Connection> create() {
    return Mono.from(delegate.create()).publishOn(scheduler);
  }

  @Override
  public ConnectionFactoryMetadata getMetadata() {
    return delegate.getMetadata();
  }

  @Override
  public Publisher<Void> close() {
    return delegate instanceof Closeable closeable ? closeable.close() : Mono.empty();
  }
}
