package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole path on a real node of this machine: the platform installed with the Helm chart
 * (operator and control API as pods), tenants created through the control API, their runtime
 * pods really Ready, and their four APIs called through their Services from the host.
 *
 * <p>What this cannot prove here: cluster DNS (there is none; tenants reach PostgreSQL by the
 * node's address) and NetworkPolicy enforcement (the bridge CNI ignores policies).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalNodeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration PROVISIONING = Duration.ofMinutes(5);
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  static HostState before;
  static LocalCluster cluster;
  static KubernetesClient kube;
  static HttpClient http;
  static URI controlApi;
  static String adminToken;

  @BeforeAll
  static void bringUpThePlatform() throws Exception {
    Path checkout = TenantryCrds.checkout();
    for (String app : List.of("tenant-runtime", "operator", "control-api")) {
      assertThat(checkout.resolve(app + "/target/jib-image.tar"))
          .as("the %s image tarball: build with `scripts/images.sh base && mvn -Pimages package` (scripts/test.sh does)",
              app).exists();
    }
    assertThat(HostState.run("ip", "link", "show", "cni0")).as("another local node runs here: scripts/down.sh first")
        .contains("does not exist");
    before = HostState.capture();

    Path state = checkout.resolve("e2e/target/local-node");
    cluster = LocalCluster.start(state, "--node", "--empty");
    cluster.script("node.sh", "start");
    kube = cluster.client(null);

    // what scripts/up.sh does: the platform PostgreSQL for tenant databases, then the chart
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PlatformChart.NAMESPACE)
        .endMetadata().build()).serverSideApply();
    kube.resource(new SecretBuilder().withNewMetadata().withName("tenantry-postgres-admin")
        .withNamespace(PlatformChart.NAMESPACE).endMetadata()
        .withStringData(Map.of("url", "jdbc:postgresql://10.87.0.1:5432/postgres", "username", "postgres",
            "password", "")).build()).serverSideApply();
    PlatformChart.installOrUpgrade(cluster.kubeconfig(), List.of(checkout.resolve("scripts/local-values.yaml")));

    waitUntil("the operator and the control API to be Ready", Duration.ofMinutes(4), () ->
        kube.apps().deployments().inNamespace(PlatformChart.NAMESPACE).list().getItems().stream()
            .allMatch(d -> d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                && d.getStatus().getReadyReplicas().equals(d.getSpec().getReplicas())), PlatformChart.NAMESPACE);

    String ip = kube.services().inNamespace(PlatformChart.NAMESPACE).withName("tenantry-control-api").get()
        .getSpec().getClusterIP();
    controlApi = URI.create("http://" + ip + ":8090");
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    adminToken = waitFor("the bootstrap admin token", Duration.ofSeconds(60), () -> {
      var secret = kube.secrets().inNamespace(PlatformChart.NAMESPACE).withName("tenantry-admin-token").get();
      return secret == null ? null : new String(Base64.getDecoder().decode(secret.getData().get("token")),
          StandardCharsets.UTF_8);
    });
  }

  @AfterAll
  static void stopAndPutTheHostBack() {
    List<String> leftovers = new ArrayList<>();
    if (cluster != null) {
      try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
        // a Retain database outlives its tenant by design; the test made it, the test drops it
        db.createStatement().execute("DROP DATABASE IF EXISTS tenant_e2e_kept");
        db.createStatement().execute("DROP ROLE IF EXISTS tenant_e2e_kept");
      } catch (Exception e) {
        leftovers.add("database tenant_e2e_kept: " + e.getMessage());
      }
      if (kube != null) {
        kube.close();
      }
      cluster.script("node.sh", "stop");
      cluster.close();
    }
    if (before != null) {
      HostState after = HostState.capture();
      assertThat(after).as("the host after scripts/node.sh stop").isEqualTo(before);
    }
    assertThat(HostState.run("pgrep", "-f", "e2e/target/local-node")).as("processes left behind").isBlank();
    assertThat(leftovers).isEmpty();
  }

  // ------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void aTenantCreatedThroughGraphQlProvisionsLiveOverTheWebSocket() throws Exception {
    try (Frames feed = Frames.open(http, ws(controlApi, "/ws/provisioning"), adminToken, null)) {
      JsonNode created = controlGraphQl("""
          mutation($input: CreateTenantInput!) { createTenant(input: $input) { name phase namespace } }""",
          Map.of("input", Map.of("name", "e2e-alpha", "plan", "pro", "replicas", 1, "deletionPolicy", "Delete",
              "owners", List.of(Map.of("kind", "User", "name", "alice@alpha.example")))));
      assertThat(created.at("/createTenant/namespace").asText()).isEqualTo("tenant-e2e-alpha");

      JsonNode ready = feed.await(m -> "e2e-alpha".equals(m.path("tenant").asText())
          && "Ready".equals(m.path("phase").asText()), PROVISIONING, "phase Ready for e2e-alpha");
      List<Integer> steps = feed.seen().stream().filter(m -> "e2e-alpha".equals(m.path("tenant").asText()))
          .map(m -> m.path("completedSteps").asInt()).toList();
      assertThat(steps).as("completed steps as the admin saw them").isSortedAccordingTo(Integer::compare)
          .contains(ready.path("totalSteps").asInt());
      assertThat(steps.stream().distinct().count()).as("progress arrives step by step").isGreaterThan(2);
    }
    List<Pod> pods = kube.pods().inNamespace("tenant-e2e-alpha").list().getItems();
    assertThat(pods).singleElement().satisfies(pod -> assertThat(pod.getStatus().getConditions())
        .anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo("Ready");
          assertThat(c.getStatus()).isEqualTo("True");
        }));
    try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
      assertThat(databaseExists(db, "tenant_e2e_alpha")).as("the tenant's own database").isTrue();
    }
  }

  @Test
  @Order(2)
  void theTenantRuntimeServesRestGraphQlGrpcAndWebSocket() throws Exception {
    String token = tenantToken("e2e-alpha");
    URI runtime = runtimeUri("e2e-alpha");

    HttpResponse<String> createdProject = http.send(HttpRequest.newBuilder(runtime.resolve("/api/v1/projects"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Launch\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(createdProject.statusCode()).as(createdProject.body()).isEqualTo(201);
    String projectId = JSON.readTree(createdProject.body()).path("id").asText();

    JsonNode projects = runtimeGraphQl(runtime, token, "{ projects { items { id name } } }");
    assertThat(projects.at("/projects/items/0/name").asText()).isEqualTo("Launch");

    try (Frames subscription = Frames.open(http, ws(runtime, "/graphql"), token, "graphql-transport-ws");
         Frames events = Frames.open(http, ws(runtime, "/ws/events"), token, null)) {
      subscription.send("{\"type\":\"connection_init\"}");
      subscription.await(m -> "connection_ack".equals(m.path("type").asText()), Duration.ofSeconds(20), "connection_ack");
      subscription.send(JSON.writeValueAsString(Map.of("id", "1", "type", "subscribe", "payload", Map.of(
          "query", "subscription($p: ID!) { taskEvents(projectId: $p, since: 0) { sequence type } }",
          "variables", Map.of("p", projectId)))));
      events.send("{\"type\":\"subscribe\",\"since\":0}");

      JsonNode first = subscription.await(m -> "next".equals(m.path("type").asText()), Duration.ofSeconds(20),
          "the project's first event on the GraphQL subscription");
      assertThat(first.at("/payload/data/taskEvents/type").asText()).isEqualTo("ProjectCreated");
      JsonNode fromSocket = events.await(m -> "event".equals(m.path("type").asText()), Duration.ofSeconds(20),
          "an event on /ws/events");
      assertThat(fromSocket.path("sequence").asLong()).isEqualTo(first.at("/payload/data/taskEvents/sequence").asLong());
    }

    String ca = new String(Base64.getDecoder().decode(kube.secrets().inNamespace("tenant-e2e-alpha")
        .withName("runtime-tls").get().getData().get("ca.crt")), StandardCharsets.UTF_8);
    ManagedChannel channel = NettyChannelBuilder.forAddress(runtime.getHost(), 9090)
        .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(ca.getBytes(StandardCharsets.UTF_8)))
            .build())
        .overrideAuthority("runtime.tenant-e2e-alpha.svc").build();
    try {
      HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      var listed = ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token))
          .withDeadlineAfter(10, TimeUnit.SECONDS).listProjects(ListProjectsRequest.getDefaultInstance());
      assertThat(listed.getProjectsList()).extracting(p -> p.getName()).containsExactly("Launch");
      try {
        ProjectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .listProjects(ListProjectsRequest.getDefaultInstance());
        throw new AssertionError("a gRPC call without a token was answered");
      } catch (StatusRuntimeException refused) {
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(3)
  void anOperatorKilledWhileProvisioningThreeTenantsConvergesAllThree() throws Exception {
    List<String> names = List.of("e2e-b1", "e2e-b2", "e2e-b3");
    for (String name : names) {
      HttpResponse<String> created = controlRest("POST", "/api/v1/tenants", Map.of("name", name, "plan", "free",
          "owners", List.of(Map.of("kind", "User", "name", "ops@b.example"))));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    waitUntil("provisioning to begin", Duration.ofSeconds(60), () ->
        kube.namespaces().withName("tenant-e2e-b1").get() != null, PlatformChart.NAMESPACE);
    List<Pod> operators = kube.pods().inNamespace(PlatformChart.NAMESPACE)
        .withLabel("app.kubernetes.io/name", "tenantry-operator").list().getItems();
    kube.pods().inNamespace(PlatformChart.NAMESPACE).withLabel("app.kubernetes.io/name", "tenantry-operator")
        .withGracePeriod(0).delete();

    for (String name : names) {
      waitUntil(name + " Ready with its runtime pod Ready", PROVISIONING, () -> {
        Tenant tenant = kube.resources(Tenant.class).withName(name).get();
        return tenant != null && tenant.getStatus() != null && "Ready".equals(String.valueOf(tenant.getStatus().getPhase()));
      }, "tenant-" + name);
      String ns = "tenant-" + name;
      assertThat(kube.apps().deployments().inNamespace(ns).list().getItems()).hasSize(1);
      assertThat(kube.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(1);
      assertThat(kube.persistentVolumeClaims().inNamespace(ns).list().getItems()).singleElement()
          .satisfies(pvc -> assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound"));
      assertThat(kube.pods().inNamespace(ns).list().getItems()).singleElement()
          .satisfies(pod -> assertThat(pod.getStatus().getContainerStatuses().get(0).getReady()).isTrue());
    }
    assertThat(kube.pods().inNamespace(PlatformChart.NAMESPACE).withLabel("app.kubernetes.io/name", "tenantry-operator")
        .list().getItems()).extracting(p -> p.getMetadata().getName())
        .doesNotContainAnyElementsOf(operators.stream().map(p -> p.getMetadata().getName()).toList());
  }

  @Test
  @Order(4)
  void aTokenOfAnotherTenantIsRefused() throws Exception {
    String foreign = tenantToken("e2e-b1");
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(runtimeUri("e2e-alpha").resolve("/api/v1/projects"))
        .header("Authorization", "Bearer " + foreign).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isIn(401, 403);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/problem+json"));
  }

  @Test
  @Order(5)
  void suspendRemovesThePodsAndResumeBringsTheSameDataBack() throws Exception {
    controlGraphQl("mutation { suspendTenant(name: \"e2e-alpha\") { name } }", Map.of());
    waitUntil("e2e-alpha Suspended with no pods", Duration.ofMinutes(2), () -> {
      Tenant tenant = kube.resources(Tenant.class).withName("e2e-alpha").get();
      return "Suspended".equals(String.valueOf(tenant.getStatus().getPhase()))
          && kube.pods().inNamespace("tenant-e2e-alpha").list().getItems().isEmpty();
    }, "tenant-e2e-alpha");

    controlGraphQl("mutation { resumeTenant(name: \"e2e-alpha\") { name } }", Map.of());
    waitUntil("e2e-alpha Ready again", PROVISIONING, () -> "Ready".equals(String.valueOf(
        kube.resources(Tenant.class).withName("e2e-alpha").get().getStatus().getPhase())), "tenant-e2e-alpha");
    JsonNode projects = runtimeGraphQl(runtimeUri("e2e-alpha"), tenantToken("e2e-alpha"), "{ projects { items { name } } }");
    assertThat(projects.at("/projects/items/0/name").asText()).isEqualTo("Launch");
  }

  @Test
  @Order(6)
  void deletionRemovesTheNamespaceAndAppliesTheDatabasePolicy() throws Exception {
    // a Retain tenant whose runtime never needs to start: its database is made before its pods
    controlGraphQl("""
        mutation { createTenant(input: {name: "e2e-kept", plan: "pro", replicas: 0, deletionPolicy: "Retain"}) { name } }""",
        Map.of());
    waitUntil("e2e-kept's database", PROVISIONING, () -> {
      Tenant tenant = kube.resources(Tenant.class).withName("e2e-kept").get();
      return tenant != null && tenant.getStatus() != null && tenant.getStatus().condition("DatabaseReady")
          .map(c -> "True".equals(c.getStatus())).orElse(false);
    }, "tenant-e2e-kept");

    for (String name : List.of("e2e-alpha", "e2e-kept", "e2e-b1", "e2e-b2", "e2e-b3")) {
      controlGraphQl("mutation($n: String!) { deleteTenant(name: $n) { name } }", Map.of("n", name));
    }
    for (String name : List.of("e2e-alpha", "e2e-kept", "e2e-b1", "e2e-b2", "e2e-b3")) {
      waitUntil(name + " and its namespace gone", Duration.ofMinutes(3), () ->
          kube.resources(Tenant.class).withName(name).get() == null
              && kube.namespaces().withName("tenant-" + name).get() == null, "tenant-" + name);
    }
    try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
      assertThat(databaseExists(db, "tenant_e2e_alpha")).as("deletionPolicy Delete drops the database").isFalse();
      assertThat(databaseExists(db, "tenant_e2e_kept")).as("deletionPolicy Retain keeps the database").isTrue();
    }
  }

  // ------------------------------------------------------------------------------------------

  static JsonNode controlGraphQl(String query, Map<String, Object> variables) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(controlApi.resolve("/graphql"))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query, "variables", variables))))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }

  static HttpResponse<String> controlRest(String method, String path, Object body) throws Exception {
    return http.send(HttpRequest.newBuilder(controlApi.resolve(path))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String tenantToken(String tenant) throws Exception {
    return controlGraphQl("""
        mutation($t: String!) { issueTenantToken(tenant: $t, subject: "e2e@tenantry.dev", roles: ["tenant-admin"], ttl: "1h") { token } }""",
        Map.of("t", tenant)).at("/issueTenantToken/token").asText();
  }

  static JsonNode runtimeGraphQl(URI runtime, String token, String query) throws Exception {
    ObjectNode request = JSON.createObjectNode().put("query", query);
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(runtime.resolve("/graphql"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }

  static URI runtimeUri(String tenant) {
    return URI.create("http://" + kube.services().inNamespace("tenant-" + tenant).withName("runtime").get()
        .getSpec().getClusterIP() + ":8080");
  }

  static URI ws(URI base, String path) {
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
  }

  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(headers);
      }
    };
  }

  static boolean databaseExists(Connection db, String name) throws Exception {
    try (var statement = db.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** Waits with a deadline; on failure names what it waited for and shows the namespace's state and logs. */
  static void waitUntil(String what, Duration timeout, java.util.concurrent.Callable<Boolean> condition,
      String namespace) {
    try {
      Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + timeout + " for " + what + "\n" + diagnostics(namespace), e);
    }
  }

  static <T> T waitFor(String what, Duration timeout, Supplier<T> value) {
    try {
      return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(value::get, v -> v != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + timeout + " for " + what + "\n" + diagnostics(PlatformChart.NAMESPACE), e);
    }
  }

  static String diagnostics(String namespace) {
    StringBuilder out = new StringBuilder();
    try {
      kube.resources(Tenant.class).list().getItems().forEach(t -> out.append("tenant ").append(t.getMetadata().getName())
          .append(": ").append(t.getStatus() == null ? "(no status)" : t.getStatus().getPhase() + " "
              + t.getStatus().getConditions()).append('\n'));
      for (Pod pod : kube.pods().inNamespace(namespace).list().getItems()) {
        out.append("pod ").append(pod.getMetadata().getName()).append(": ").append(pod.getStatus().getPhase())
            .append(' ').append(pod.getStatus().getContainerStatuses()).append('\n');
        try {
          String log = kube.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).tailingLines(30).getLog();
          out.append(log).append('\n');
        } catch (RuntimeException e) {
          out.append("(no log: ").append(e.getMessage()).append(")\n");
        }
      }
      kube.v1().events().inNamespace(namespace).list().getItems().stream().skip(Math.max(0,
          kube.v1().events().inNamespace(namespace).list().getItems().size() - 15))
          .forEach(e -> out.append("event ").append(e.getReason()).append(": ").append(e.getMessage()).append('\n'));
    } catch (RuntimeException e) {
      out.append("(diagnostics failed: ").append(e.getMessage()).append(")\n");
    }
    // the control plane's and the node's logs (kubelet, containerd, kube-proxy)
    out.append(cluster.logs());
    return out.toString();
  }
}
