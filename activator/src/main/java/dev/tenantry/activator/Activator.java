package dev.tenantry.activator;

import dev.tenantry.activator.settings.ActivatorSettings;

import dev.tenantry.activator.boundary.CallerAddresses;
import dev.tenantry.activator.boundary.CallerBoundary;
import dev.tenantry.activator.grpc.GrpcPassthrough;
import dev.tenantry.activator.http.HttpActivator;
import dev.tenantry.activator.routing.TenantAddressing;
import dev.tenantry.activator.wake.HeldCalls;
import dev.tenantry.activator.wake.Waker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Clock;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A running activator: its HTTP and gRPC ports, its health port, and the wakes it asked for. */
public final class Activator implements AutoCloseable {
  /** How long a wake keeps watching for a Ready pod after its last caller gave up. */
  private static final Duration WAKE_WATCH = Duration.ofMinutes(5);

  private final TenantAddressing addressing;
  private final CallerAddresses callers;
  private final Waker waker;
  private final DisposableServer http;
  private final DisposableServer grpc;
  private final DisposableServer health;

  private Activator(TenantAddressing addressing, CallerAddresses callers, Waker waker, DisposableServer http,
      DisposableServer grpc, DisposableServer health) {
    this.addressing = addressing;
    this.callers = callers;
    this.waker = waker;
    this.http = http;
    this.grpc = grpc;
    this.health = health;
  }

  public static Activator start(ActivatorSettings settings, KubernetesClient client, Clock clock) {
    TenantAddressing addressing = TenantAddressing.watching(client);
    CallerAddresses callers = CallerAddresses.watching(client);
    CallerBoundary boundary = new CallerBoundary(callers, settings.platformNamespace(), settings.ingressNamespace(),
        settings.nodeSources());
    Waker waker = new Waker(client, clock, WAKE_WATCH.plus(settings.holdTimeout()));
    HeldCalls held = new HeldCalls(waker, settings.holdTimeout(), settings.maxHeldPerTenant(),
        settings.maxHeldPerCaller());
    DisposableServer http = new HttpActivator(settings, addressing, boundary, held).start();
    DisposableServer grpc = new GrpcPassthrough(settings, addressing, boundary, held).start();
    DisposableServer health = HttpServer.create().port(settings.healthPort())
        .route(routes -> routes
            .get("/healthz", (request, response) -> response.sendString(Mono.just("ok")))
            .get("/readyz", (request, response) -> addressing.ready() && callers.ready()
                ? response.sendString(Mono.just("ready"))
                : response.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
                    .sendString(Mono.just("listing Services, pods and nodes"))))
        .bindNow();
    return new Activator(addressing, callers, waker, http, grpc, health);
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int healthPort() {
    return health.port();
  }

  /** How many wake requests this activator has written. */
  public long wakeRequests() {
    return waker.wakeRequests();
  }

  /** Waits until the activator is closed. */
  public void awaitClosed() {
    http.onDispose().block();
  }

  @Override
  public void close() {
    http.disposeNow();
    grpc.disposeNow();
    health.disposeNow();
    addressing.close();
    callers.close();
  }
}
