package dev.tenantry.runtime.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.runtime.RuntimeTestSupport;
import dev.tenantry.runtime.grpc.BearerToken;
import dev.tenantry.runtime.grpc.GrpcServer;
import dev.tenantry.runtime.grpc.v1.GetUsageRequest;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.security.TenantTokens;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;

/**
 * What counts as the tenant's activity (the clock hibernation will measure idleness from), asked
 * as the control plane asks, over gRPC {@code TenantAdmin.GetUsage}: each protocol's calls and
 * messages do, an open subscription does for as long as it is open, and the platform's own calls
 * and refused calls do not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantActivityTest {
  Path dir;
  ConfigurableApplicationContext runtime;
  ManagedChannel channel;

  @BeforeAll
  void start(@TempDir Path dir) {
    this.dir = dir;
    runtime = RuntimeTestSupport.start(RuntimeTestSupport.embedded(dir));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", runtime.getBean(GrpcServer.class).port()).usePlaintext()
        .build();
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    runtime.close();
  }

  @Test
  void everyProtocolsCallsAndMessagesCount() throws Exception {
    Instant before = afterATick(lastActivity());
    RuntimeTestSupport.http(runtime).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(RuntimeTestSupport.viewer()))
        .exchange().expectStatus().isOk();
    Instant afterRest = lastActivity();
    assertThat(afterRest).isAfter(before);

    RuntimeTestSupport.http(runtime).post().uri("/graphql").headers(h -> h.setBearerAuth(RuntimeTestSupport.viewer()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("query", "{ projects { items { id } } }"))
        .exchange().expectStatus().isOk();
    Instant afterGraphQl = lastActivity();
    assertThat(afterGraphQl).isAfter(afterATick(afterRest));

    ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(RuntimeTestSupport.viewer()))
        .listProjects(ListProjectsRequest.getDefaultInstance());
    Instant afterGrpc = lastActivity();
    assertThat(afterGrpc).isAfter(afterATick(afterGraphQl));

    WebSocket socket = connect();
    try {
      Instant connected = afterATick(lastActivity());
      socket.sendText("{\"type\":\"ping\"}", true).get(10, TimeUnit.SECONDS);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lastActivity().isAfter(connected));
    } finally {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOpenSubscriptionIsActivityUntilItCloses() throws Exception {
    WebSocket socket = connect();
    socket.sendText("{\"type\":\"subscribe\"}", true).get(10, TimeUnit.SECONDS);
    Instant subscribed = Instant.now();
    // nothing is sent after the subscribe, yet the tenant stays active
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lastActivity().isAfter(subscribed.plusMillis(50)));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      Instant first = lastActivity();
      afterATick(first);
      return lastActivity().equals(first);
    });
  }

  @Test
  void thePlatformsCallsAndRefusedCallsDoNotCount() {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      Instant first = lastActivity();
      afterATick(first);
      return lastActivity().equals(first);
    });
    Instant quiet = lastActivity();

    String backup = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, RuntimeTestSupport.TENANT, "tenantry-operator",
        List.of("platform-backup"), Duration.ofMinutes(5));
    RuntimeTestSupport.http(runtime).get().uri("/admin/v1/event-log").headers(h -> h.setBearerAuth(backup)).exchange()
        .expectStatus().isOk();
    RuntimeTestSupport.http(runtime).get().uri("/api/v1/projects").exchange().expectStatus().isUnauthorized();
    RuntimeTestSupport.http(runtime).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(RuntimeTestSupport.otherTenant()))
        .exchange().expectStatus().isUnauthorized();
    assertThatThrownBy(() -> ProjectServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerToken(RuntimeTestSupport.badSignature()))
        .listProjects(ListProjectsRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class);
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    int management = Integer.parseInt(runtime.getEnvironment().getProperty("local.management.port"));
    org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + management).build()
        .get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

    assertThat(lastActivity()).isEqualTo(quiet);
  }

  @Test
  void theOperatorsObserverRoleReadsTheClockWithoutMovingItAndOpensNothingElse() {
    String observer = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, RuntimeTestSupport.TENANT, "tenantry-operator",
        List.of("platform-observer"), Duration.ofMinutes(5));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      Instant first = lastActivity();
      afterATick(first);
      return lastActivity().equals(first);
    });
    Instant quiet = lastActivity();
    var asObserver = TenantAdminGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(observer));
    assertThat(Instant.ofEpochMilli(asObserver.getUsage(GetUsageRequest.getDefaultInstance())
        .getLastActivityUnixMillis())).isEqualTo(quiet);
    assertThat(Instant.ofEpochMilli(asObserver.getUsage(GetUsageRequest.getDefaultInstance())
        .getLastActivityUnixMillis())).isEqualTo(quiet);

    assertThatThrownBy(() -> ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(observer))
        .listProjects(ListProjectsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED));
    RuntimeTestSupport.http(runtime).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(observer)).exchange()
        .expectStatus().isForbidden();
    RuntimeTestSupport.http(runtime).get().uri("/admin/v1/event-log").headers(h -> h.setBearerAuth(observer)).exchange()
        .expectStatus().isForbidden();
    assertThat(lastActivity()).isEqualTo(quiet);
  }

  /** Asked as the control plane asks (this call itself does not count). */
  Instant lastActivity() {
    return Instant.ofEpochMilli(TenantAdminGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerToken(RuntimeTestSupport.admin()))
        .getUsage(GetUsageRequest.getDefaultInstance()).getLastActivityUnixMillis());
  }

  /** Returns {@code instant} once the clock has moved past it, so a later activity is told apart from it. */
  static Instant afterATick(Instant instant) {
    Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(2))
        .until(() -> Instant.now().toEpochMilli() > instant.toEpochMilli() + 1);
    return instant;
  }

  WebSocket connect() throws Exception {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + RuntimeTestSupport.viewer())
        .buildAsync(URI.create("ws://127.0.0.1:" + RuntimeTestSupport.port(runtime) + "/ws/events"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                ws.request(1);
                return CompletableFuture.completedFuture(null);
              }
            })
        .get(10, TimeUnit.SECONDS);
  }
}
