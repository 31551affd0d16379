package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.backup.EventLogArchive;
import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.security.TenantTokens;
import dev.tenantry.runtime.task.TaskService;
import dev.tenantry.runtime.usage.ActivityClock;
import dev.tenantry.runtime.usage.UsageService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.micrometer.observation.ObservationRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gRPC server on {@code TENANTRY_GRPC_PORT}: the tenant's services behind token checks,
 * plus {@code grpc.health.v1} and server reflection; TLS with the operator's serving
 * certificate when one is configured. Metrics and traces per call come from Micrometer.
 */
@Component
public class GrpcServer implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private volatile boolean running;

  public GrpcServer(RuntimeSettings settings, TenantTokens tokens, ProjectService projects, TaskService tasks,
      UsageService usage, ActivityClock activity, EventBus bus, JsonMapper json, MeterRegistry meters,
      ObservationRegistry observations, EventLogArchive eventLog) {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(settings.grpcPort()))
        .maxInboundMessageSize(1024 * 1024)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        // the last added runs first: activity is recorded only for calls authentication let through
        .intercept(new ActivityInterceptor(activity))
        .intercept(new GrpcAuthentication(tokens))
        .intercept(new MetricCollectingServerInterceptor(meters))
        .intercept(new ObservationGrpcServerInterceptor(observations))
        .addService(new ProjectGrpcService(projects))
        .addService(new TaskGrpcService(tasks, bus, settings, json))
        .addService(new TenantAdminGrpcService(usage))
        .addService(new PlatformBackupGrpcService(eventLog))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    if (!settings.remoteJwks()) {
      // every call is non-blocking (the embedded store hands its connections to worker threads
      // itself) and a token check is computation only: no hop to grpc-java's executor per call
      builder.directExecutor();
    }
    if (settings.tlsConfigured()) {
      try {
        builder.sslContext(GrpcSslContexts.forServer(new File(settings.tlsCert()), new File(settings.tlsKey())).build());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the TLS certificate or key", e);
      }
    }
    this.server = builder.build();
  }

  @Override
  public void start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gRPC server", e);
    }
    health.setStatus("", ServingStatus.SERVING);
    running = true;
    LOG.info("gRPC server listening on port {}", server.getPort());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void stop() {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
