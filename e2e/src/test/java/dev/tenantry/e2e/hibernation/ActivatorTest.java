package dev.tenantry.e2e.hibernation;

import static dev.tenantry.e2e.InProcessPlatform.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.activator.Activator;
import dev.tenantry.activator.settings.ActivatorSettings;
import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.e2e.InProcessPlatform;
import dev.tenantry.e2e.LocalRuntimes;
import dev.tenantry.e2e.TenantUsers;
import dev.tenantry.operator.runtimeapi.BearerCallCredentials;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * Wake on the first call, on a real API server: the operator (as its ServiceAccount) points a
 * sleeping tenant's Service at the activator and back, and the activator (in-process, on free
 * ports, published by its own Service's Endpoints as the chart does) holds REST, gRPC and
 * WebSocket calls made while the tenant sleeps, wakes it once for all of them and forwards them
 * to the runtime (a real process the local kubelet starts, with its pod). Calls are made as a
 * client in the cluster makes them: to the Service's name, which the activator reads from the
 * HTTP Host or the TLS server name.
 */
@WithKubeApiServer(controllers = {"namespace"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACTIVATOR_IP = "192.0.2.10";

  Path work;
  KubernetesClient admin;
  LocalRuntimes runtimes;
  TenantUsers users;
  InProcessPlatform platform;
  Activator activator;
  Activator impatient;
  String clusterIp;

  /** An answer to a call made through an activator. */
  record Answer(int status, HttpHeaders headers, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  @BeforeAll
  void startPlatform(KubeApiServer server, KubernetesClient client, @TempDir Path work) throws Exception {
    this.work = work;
    admin = client;
    platform = InProcessPlatform.start(server, client, work, Map.of());
    runtimes = platform.runtimes();
    users = platform.users();
    activator = Activator.start(new ActivatorSettings(0, 0, 0, Duration.ofSeconds(120), 100), admin, Clock.systemUTC());
    // a second one, called directly, that gives up after 2 s and holds one call per tenant
    impatient = Activator.start(new ActivatorSettings(0, 0, 0, Duration.ofSeconds(2), 1), admin, Clock.systemUTC());
    publishActivator();
  }

  /**
   * What the chart's activator Service and the endpoints controller publish. The address is only
   * copied into tenants' Endpoints (the API server refuses loopback there); the test calls the
   * activator on this host directly.
   */
  void publishActivator() {
    admin.resource(new ServiceBuilder().withNewMetadata().withName(TenantryApi.ACTIVATOR_SERVICE)
        .withNamespace(InProcessPlatform.PLATFORM_NAMESPACE).endMetadata().withNewSpec()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .addNewPort().withName("grpc").withPort(9090).withProtocol("TCP").endPort().endSpec().build()).serverSideApply();
    admin.resource(new EndpointsBuilder().withNewMetadata().withName(TenantryApi.ACTIVATOR_SERVICE)
        .withNamespace(InProcessPlatform.PLATFORM_NAMESPACE).endMetadata()
        .addNewSubset().addNewAddress().withIp(ACTIVATOR_IP).endAddress()
        .addNewPort().withName("http").withPort(activator.httpPort()).withProtocol("TCP").endPort()
        .addNewPort().withName("grpc").withPort(activator.grpcPort()).withProtocol("TCP").endPort().endSubset().build()).serverSideApply();
  }

  @AfterAll
  void stopPlatform() {
    if (activator != null) {
      activator.close();
    }
    if (impatient != null) {
      impatient.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void aSleepingTenantsServiceKeepsItsAddressAndRoutesToTheActivator() throws Exception {
    platform.createTenant("dozy", StorageType.Embedded, null);
    runtimes.follow("dozy");
    platform.awaitTenant("dozy", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(users.call("dozy", "POST", "/api/v1/projects", Map.of("name", "Made before the sleep")).statusCode())
        .isEqualTo(201);
    clusterIp = service("dozy").getSpec().getClusterIP();
    assertThat(service("dozy").getSpec().getSelector()).isEqualTo(TenantryApi.runtimeSelector("dozy"));

    hibernate("dozy");
    awaitHeldByActivator("dozy");
    assertThat(service("dozy").getSpec().getClusterIP()).as("callers keep their address").isEqualTo(clusterIp);
    assertThat(runtimes.isRunning("dozy")).isFalse();
  }

  @Test
  @Order(2)
  void fiftyCallsMadeWhileItSleepsShareOneWakeAndAllGetTheirAnswer() throws Exception {
    long wakesBefore = activator.wakeRequests();
    String token = users.token("dozy", List.of("tenant-admin"));
    List<Answer> answers = Flux.range(0, 50)
        .flatMap(i -> call(activator, serviceHost("dozy"), token, HttpMethod.GET, "/api/v1/projects", null), 50)
        .collectList().block(Duration.ofMinutes(3));

    assertThat(answers).hasSize(50).allSatisfy(answer -> {
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).contains("Made before the sleep");
    });
    assertThat(activator.wakeRequests() - wakesBefore).as("one wake request for 50 callers").isEqualTo(1);
    Tenant woken = platform.awaitTenant("dozy", t -> t.getStatus().getPhase() == Phase.Ready
        && t.getStatus().getHibernation().getLastWake().getDurationMs() != null);
    assertThat(woken.getStatus().getHibernation().getLastWake().getTrigger()).isEqualTo(TenantryApi.WAKE_BY_REQUEST);
    // awake and answering: the Service selects the runtime again, so the next calls go direct
    await().until(() -> TenantryApi.runtimeSelector("dozy").equals(service("dozy").getSpec().getSelector()));
    assertThat(service("dozy").getSpec().getClusterIP()).isEqualTo(clusterIp);
  }

  @Test
  @Order(3)
  void aWebSocketAndAGrpcCallMadeWhileItSleepsAreHeldAndThenServedLive() throws Exception {
    hibernate("dozy");
    awaitHeldByActivator("dozy");
    String token = users.token("dozy", List.of("tenant-admin"));

    List<JsonNode> frames = new CopyOnWriteArrayList<>();
    Disposable socket = HttpClient.create()
        .headers(headers -> headers.set(HttpHeaderNames.HOST, serviceHost("dozy"))
            .set(HttpHeaderNames.ORIGIN, "http://" + serviceHost("dozy"))
            .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
        .websocket().uri("ws://127.0.0.1:" + activator.httpPort() + "/ws/events")
        .handle((in, out) -> out.sendString(Mono.just("{\"type\":\"subscribe\",\"since\":0}")).then()
            .thenMany(in.receive().asString().map(ActivatorTest::readJson).doOnNext(frames::add)))
        .subscribe();
    ManagedChannel channel = grpcThrough(activator, "dozy");
    try {
      // a TLS client waits 10 s for the handshake the activator holds; a wake that takes longer is
      // ridden out by the client reconnecting, as gRPC clients do for calls that wait for ready
      var listed = ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token))
          .withWaitForReady().withDeadlineAfter(2, TimeUnit.MINUTES).listProjects(ListProjectsRequest.getDefaultInstance());
      assertThat(listed.getProjectsList()).extracting(p -> p.getName()).contains("Made before the sleep");

      await().until(() -> frames.stream().anyMatch(frame -> "event".equals(frame.path("type").asText())));
      long seen = frames.stream().filter(f -> "event".equals(f.path("type").asText()))
          .mapToLong(f -> f.path("sequence").asLong()).max().orElseThrow();
      // a live event on the held socket: a project made now
      Answer made = call(activator, serviceHost("dozy"), token, HttpMethod.POST, "/api/v1/projects",
          "{\"name\":\"Made after the wake\"}").block(Duration.ofMinutes(1));
      assertThat(made.status()).as(made.body()).isEqualTo(201);
      await().until(() -> frames.stream().anyMatch(frame -> "event".equals(frame.path("type").asText())
          && frame.path("sequence").asLong() > seen));
    } finally {
      socket.dispose();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void anOperatorRestartedWhileATenantWakesFinishesTheWakeAndTheHeldCallIsAnswered() throws Exception {
    hibernate("dozy");
    awaitHeldByActivator("dozy");
    String token = users.token("dozy", List.of("tenant-admin"));
    Mono<Answer> held = call(activator, serviceHost("dozy"), token, HttpMethod.GET, "/api/v1/projects", null).cache();
    held.subscribe();
    // the wake has begun (the Deployment scaled up, the wake not yet timed) when the operator goes
    platform.awaitTenant("dozy", t -> t.getStatus().getHibernation() != null
        && t.getStatus().getHibernation().getLastWake() != null
        && t.getStatus().getHibernation().getLastWake().getDurationMs() == null
        && Instant.parse(t.getStatus().getHibernation().getLastWake().getAt()).isAfter(Instant.now().minusSeconds(60)));
    platform = platform.withOperatorRestarted();

    Answer answer = held.block(Duration.ofMinutes(3));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("Made before the sleep");
    Tenant woken = platform.awaitTenant("dozy", t -> t.getStatus().getPhase() == Phase.Ready
        && t.getStatus().getHibernation().getLastWake().getDurationMs() != null);
    assertThat(woken.getStatus().getHibernation().getLastWake().getTrigger()).isEqualTo(TenantryApi.WAKE_BY_REQUEST);
    await().until(() -> TenantryApi.runtimeSelector("dozy").equals(service("dozy").getSpec().getSelector()));
  }

  @Test
  @Order(5)
  void aCallForNoTenantIsANotFoundProblem() throws Exception {
    Answer answer = call(activator, "runtime.tenant-nobody.svc:8080", null, HttpMethod.GET, "/api/v1/projects", null)
        .block(Duration.ofSeconds(30));
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
    assertThat(answer.json().path("detail").asText()).contains("nobody");
    Answer noName = call(activator, "10.255.255.1", null, HttpMethod.GET, "/", null).block(Duration.ofSeconds(30));
    assertThat(noName.status()).isEqualTo(404);
  }

  @Test
  @Order(6)
  void aTenantThatDoesNotWakeInTimeGetsEachProtocolsTryAgainLater() throws Exception {
    // no kubelet follows this one: its runtime never becomes ready
    platform.createTenant("stuck", StorageType.Embedded, null);
    platform.awaitTenant("stuck", t -> true);
    hibernate("stuck");
    platform.awaitTenant("stuck", t -> t.getStatus().getPhase() == Phase.Hibernated);
    String token = users.token("stuck", List.of("tenant-admin"));

    Instant asked = Instant.now();
    Answer late = call(impatient, serviceHost("stuck"), token, HttpMethod.GET, "/api/v1/projects", null)
        .block(Duration.ofSeconds(30));
    assertThat(late.status()).isEqualTo(503);
    assertThat(late.headers().get(HttpHeaderNames.RETRY_AFTER)).isNotBlank();
    assertThat(late.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
    assertThat(late.json().path("detail").asText()).contains("stuck").contains("did not wake within 2 s");
    assertThat(Duration.between(asked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(admin.resources(Tenant.class).withName("stuck").get().getMetadata().getAnnotations())
        .as("the call asked for a wake").containsEntry(TenantryApi.WAKE_TRIGGER_ANNOTATION, TenantryApi.WAKE_BY_REQUEST);

    AtomicReference<WebSocketCloseStatus> closed = new AtomicReference<>();
    HttpClient.create().headers(headers -> headers.set(HttpHeaderNames.HOST, serviceHost("stuck"))
            .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
        .websocket().uri("ws://127.0.0.1:" + impatient.httpPort() + "/ws/events")
        .handle((in, out) -> in.receiveCloseStatus().doOnNext(closed::set))
        .blockLast(Duration.ofSeconds(30));
    assertThat(closed.get()).isNotNull();
    assertThat(closed.get().code()).isEqualTo(1013);
    assertThat(closed.get().reasonText()).contains("stuck");

    ManagedChannel channel = grpcThrough(impatient, "stuck");
    try {
      ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token))
          .withDeadlineAfter(30, TimeUnit.SECONDS).listProjects(ListProjectsRequest.getDefaultInstance());
      throw new AssertionError("a gRPC call to a tenant that never woke was answered");
    } catch (StatusRuntimeException refused) {
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(7)
  void callsBeyondTheLimitAreRefusedAtOnce() throws Exception {
    String token = users.token("stuck", List.of("tenant-admin"));
    // the impatient activator holds one call per tenant: the second is refused while the first waits
    Mono<Answer> first = call(impatient, serviceHost("stuck"), token, HttpMethod.GET, "/api/v1/projects", null).cache();
    first.subscribe();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(300)).until(() -> true);
    Answer second = call(impatient, serviceHost("stuck"), token, HttpMethod.GET, "/api/v1/projects", null)
        .block(Duration.ofSeconds(30));
    assertThat(second.status()).isEqualTo(503);
    assertThat(second.headers().get(HttpHeaderNames.RETRY_AFTER)).isNotBlank();
    assertThat(second.json().path("detail").asText()).contains("already wait");
    assertThat(first.block(Duration.ofSeconds(30)).status()).isEqualTo(503);
  }

  @Test
  @Order(8)
  void aSuspendedTenantIsNeverWokenByACall() throws Exception {
    admin.resources(Tenant.class).withName("stuck").edit(t -> {
      t.getSpec().setSuspended(true);
      return t;
    });
    platform.awaitTenant("stuck", t -> t.getStatus().getPhase() == Phase.Suspended);
    long wakesBefore = impatient.wakeRequests();
    String token = users.token("stuck", List.of("tenant-admin"));
    Answer refused = call(impatient, serviceHost("stuck"), token, HttpMethod.GET, "/api/v1/projects", null)
        .block(Duration.ofSeconds(30));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().path("title").asText()).isEqualTo("Tenant suspended");
    assertThat(refused.headers().get(HttpHeaderNames.RETRY_AFTER)).as("no use trying again soon").isNull();
    assertThat(impatient.wakeRequests()).as("no wake asked").isEqualTo(wakesBefore);
    assertThat(platform.awaitTenant("stuck", t -> true).getStatus().getPhase()).isEqualTo(Phase.Suspended);
  }

  /**
   * A sleeping tenant keeps its network boundary: a pod of another tenant that calls it through
   * the activator is refused over HTTP (403 problem+json) and WebSocket (close 1008), and the
   * tenant stays asleep; its own pod's call wakes it. Pods are told apart by their addresses,
   * here two loopback addresses their status reports, as a kubelet would report pod IPs.
   */
  @Test
  @Order(9)
  void aSleepingTenantAdmitsOnlyItsOwnPodsAndThePlatformNotAnotherTenants() throws Exception {
    hibernate("dozy");
    awaitHeldByActivator("dozy");
    callerPod("tenant-stuck", "intruder", "127.0.0.3");
    callerPod(TenantryApi.namespaceOf("dozy"), "neighbour", "127.0.0.2");
    String token = users.token("dozy", List.of("tenant-admin"));
    long wakesBefore = activator.wakeRequests();

    Answer refused = await().until(() -> callFrom("127.0.0.3", activator, serviceHost("dozy"), token, HttpMethod.GET,
        "/api/v1/projects", null).block(Duration.ofSeconds(30)),
        // until the activator's informer has the pod, its address is no one's: refused too, without a wake
        answer -> answer.status() == 403 && answer.body().contains("tenant-stuck"));
    assertThat(refused.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
    assertThat(refused.json().path("detail").asText())
        .contains("a pod of namespace tenant-stuck may not call tenant 'dozy'").contains("rule activator.boundary");
    Integer closeCode = HttpClient.create().bindAddress(() -> new java.net.InetSocketAddress("127.0.0.3", 0))
        .headers(headers -> headers.set(HttpHeaderNames.HOST, serviceHost("dozy"))
            .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
        .websocket().uri("ws://127.0.0.1:" + activator.httpPort() + "/ws/events")
        .handle((in, out) -> in.receiveCloseStatus().map(status -> status.code()))
        .next().block(Duration.ofSeconds(30));
    assertThat(closeCode).as("WebSocket close code").isEqualTo(1008);
    ManagedChannel intruding = grpcThrough(activator, "dozy", "127.0.0.3");
    try {
      assertThatThrownBy(() -> ProjectServiceGrpc.newBlockingStub(intruding)
          .withCallCredentials(new BearerCallCredentials(token)).withDeadlineAfter(20, TimeUnit.SECONDS)
          .listProjects(ListProjectsRequest.getDefaultInstance()))
          .as("the connection is closed before TLS completes")
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      intruding.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(activator.wakeRequests()).as("no wake for a refused caller").isEqualTo(wakesBefore);
    assertThat(platform.awaitTenant("dozy", t -> true).getStatus().getPhase()).isEqualTo(Phase.Hibernated);

    Answer own = await().until(() -> callFrom("127.0.0.2", activator, serviceHost("dozy"), token, HttpMethod.GET,
        "/api/v1/projects", null).block(Duration.ofMinutes(2)), answer -> answer.status() != 403);
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(activator.wakeRequests()).isEqualTo(wakesBefore + 1);
  }

  /** A running pod of {@code namespace} at {@code address}, as a kubelet reports it. */
  void callerPod(String namespace, String name, String address) {
    admin.resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withNewSpec().addNewContainer().withName("client")
        .withImage("tenantry.local/pause:3.2").endContainer().endSpec().build()).create();
    admin.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP(address)
          .build());
      return pod;
    });
  }

  // ------------------------------------------------------------------------------------------

  static String serviceHost(String tenant) {
    return TenantryApi.runtimeServiceHost(tenant) + ":" + TenantryApi.RUNTIME_HTTP_PORT;
  }

  /** A call through {@code through}, addressed as a client in the cluster addresses the tenant's Service. */
  static Mono<Answer> call(Activator through, String host, String token, HttpMethod method, String path, String body) {
    return callFrom("127.0.0.1", through, host, token, method, path, body);
  }

  /** As {@link #call}, from the local address {@code from} (any of 127.0.0.0/8 is this host's). */
  static Mono<Answer> callFrom(String from, Activator through, String host, String token, HttpMethod method,
      String path, String body) {
    return HttpClient.create().bindAddress(() -> new java.net.InetSocketAddress(from, 0))
        .headers(headers -> {
          headers.set(HttpHeaderNames.HOST, host);
          if (token != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
          }
          if (body != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
          }
        })
        .request(method).uri("http://127.0.0.1:" + through.httpPort() + path)
        .send(body == null ? ByteBufFlux.fromString(Mono.empty()) : ByteBufFlux.fromString(Mono.just(body)))
        .responseSingle((response, content) -> content.asString().defaultIfEmpty("")
            .map(text -> new Answer(response.status().code(), response.responseHeaders(), text)));
  }

  /** gRPC over TLS to the activator's gRPC port, naming the tenant's Service as the server (its certificate's name). */
  ManagedChannel grpcThrough(Activator through, String tenant) throws Exception {
    return grpcThrough(through, tenant, "127.0.0.1");
  }

  /** As above, from the local address {@code from}. */
  ManagedChannel grpcThrough(Activator through, String tenant, String from) throws Exception {
    byte[] ca = Base64.getDecoder().decode(admin.secrets().inNamespace(TenantryApi.namespaceOf(tenant))
        .withName("runtime-tls").get().getData().get("ca.crt"));
    return NettyChannelBuilder.forAddress("127.0.0.1", through.grpcPort())
        .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(ca)).build())
        .overrideAuthority(TenantryApi.runtimeServiceHost(tenant))
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
              io.grpc.Attributes attrs) {
            return new java.net.InetSocketAddress(from, 0);
          }
        })
        .build();
  }

  void hibernate(String tenant) {
    admin.resources(Tenant.class).withName(tenant).patch(PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(Map.of("metadata", Map.of("annotations",
            Map.of(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, Instant.now().toString())))));
  }

  /** Asleep, its Service selecting nothing and its Endpoints naming the activator. */
  void awaitHeldByActivator(String tenant) {
    platform.awaitTenant(tenant, t -> t.getStatus().getPhase() == Phase.Hibernated);
    await().until(() -> {
      var endpoints = admin.endpoints().inNamespace(TenantryApi.namespaceOf(tenant)).withName(TenantryApi.RUNTIME_SERVICE).get();
      var service = service(tenant);
      return service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty()
          ? endpoints != null && endpoints.getSubsets().size() == 1
              && endpoints.getSubsets().get(0).getAddresses().get(0).getIp().equals(ACTIVATOR_IP)
              && endpoints.getSubsets().get(0).getPorts().stream().anyMatch(p -> p.getPort() == activator.httpPort())
          : false;
    });
  }

  Service service(String tenant) {
    return admin.services().inNamespace(TenantryApi.namespaceOf(tenant)).withName(TenantryApi.RUNTIME_SERVICE).get();
  }

  static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
