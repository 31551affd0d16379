package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalNodeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration PROVISIONING = Duration.ofMinutes(5);
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

  LocalPlatform platform;
  KubernetesClient kube;
  HttpClient http;
  URI controlApi;
  String adminToken;

  @BeforeAll
  void bringUpThePlatform() {
    platform = LocalPlatform.start(TenantryCrds.checkout().resolve("e2e/target/local-node"));
    kube = platform.kube;
    http = platform.http;
    controlApi = platform.controlApi;
    adminToken = platform.adminToken;
  }

  @AfterAll
  void stopAndPutTheHostBack() throws Exception {
    if (platform == null) {
      return;
    }
    try (Connection db = DriverManager.getConnection(PG_URL, "postgres", "")) {
      // a Retain database outlives its tenant by design; the test made it, the test drops it
      db.createStatement().execute("DROP DATABASE IF EXISTS tenant_e2e_kept");
      db.createStatement().execute("DROP ROLE IF EXISTS tenant_e2e_kept");
    } finally {
      platform.close();
    }
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
    // the image starts from its class-data-sharing archive: a JVM that cannot map it says so
    String log = kube.pods().inNamespace("tenant-e2e-alpha").withName(pods.get(0).getMetadata().getName()).getLog();
    assertThat(log).as("the runtime pod's log").contains("Started TenantRuntimeApplication")
        .doesNotContain("[warning][cds");
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

    // the control API asks the runtime itself (gRPC TenantAdmin.GetUsage over TLS to the platform CA)
    JsonNode usage = controlGraphQl(
        "query { tenant(name: \"e2e-alpha\") { usage { projects events liveSubscribers lastActivity } } }",
        Map.of()).at("/tenant/usage");
    assertThat(usage.path("projects").asInt()).as("usage %s", usage).isEqualTo(1);
    assertThat(usage.path("events").asInt()).isPositive();
    // the calls above were the tenant's: the runtime counted them (the pod's clock is this host's)
    assertThat(java.time.Instant.parse(usage.path("lastActivity").asText()))
        .isAfter(java.time.Instant.now().minus(Duration.ofMinutes(5)));

    ManagedChannel channel = grpcChannel(runtime, "e2e-alpha");
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

  /**
   * Isolation on a real node, as the owner: their restricted workload runs, a privileged one is
   * accepted as an object (with a warning) but its ReplicaSet never gets a pod, a privileged pod is
   * refused outright, and the platform's NetworkPolicy cannot be deleted. The API server reaches the
   * operator's webhook through its Service here, as on any cluster.
   */
  @Test
  @Order(4)
  void theOwnersRestrictedWorkloadRunsAndTheirPrivilegedOneNeverDoes() throws Exception {
    String ns = "tenant-e2e-b1";
    try (KubernetesClient owner = platform.cluster.client("ops@b.example")) {
      owner.resource(ownerDeployment(ns, "owner-sleeper", false)).create();
      waitUntil("the owner's restricted pod Ready", Duration.ofMinutes(2), () ->
          owner.pods().inNamespace(ns).withLabel("app", "owner-sleeper").list().getItems().stream()
              .anyMatch(p -> p.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))), ns);

      owner.resource(ownerDeployment(ns, "owner-privileged", true)).create();
      waitUntil("the privileged ReplicaSet to report why it has no pod", Duration.ofMinutes(2), () ->
          owner.apps().replicaSets().inNamespace(ns).withLabel("app", "owner-privileged").list().getItems().stream()
              .flatMap(r -> r.getStatus() == null || r.getStatus().getConditions() == null ? java.util.stream.Stream.of()
                  : r.getStatus().getConditions().stream())
              .anyMatch(c -> "ReplicaFailure".equals(c.getType())
                  && c.getMessage().contains("privileged: not allowed by Pod Security \"restricted\"")), ns);
      assertThat(owner.pods().inNamespace(ns).withLabel("app", "owner-privileged").list().getItems()).isEmpty();

      Deployment privileged = ownerDeployment(ns, "owner-pod", true);
      Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("owner-pod")
          .withNamespace(ns).endMetadata().withSpec(privileged.getSpec().getTemplate().getSpec()).build();
      assertThatThrownBy(() -> owner.resource(pod).create())
          .hasMessageContaining("spec.containers[0].securityContext.privileged: not allowed by Pod Security");
      assertThatThrownBy(() -> owner.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation")
          .delete()).hasMessageContaining("belongs to the Tenantry platform");
      assertThat(kube.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation").get()).isNotNull();

      owner.apps().deployments().inNamespace(ns).withName("owner-privileged").delete();
      owner.apps().deployments().inNamespace(ns).withName("owner-sleeper").delete();
    }
  }

  /**
   * Starts a pod in {@code namespace} that makes one REST call to the Service at {@code clusterIp}
   * (the JDK's source launcher in the runtime image running {@code probe/Probe.java} from a
   * ConfigMap); returns its name.
   */
  static String probe(KubernetesClient as, String namespace, String name, String clusterIp) throws Exception {
    String source;
    try (var in = LocalNodeTest.class.getResourceAsStream("/probe/Probe.java")) {
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    as.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().addToData("Probe.java", source).build()).create();
    as.resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .endMetadata().withNewSpec().withRestartPolicy("Never")
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65532L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("probe").withImage(RUNTIME).withImagePullPolicy("IfNotPresent")
        .withCommand("java", "-Xmx48m", "-XX:TieredStopAtLevel=1", "/probe/Probe.java", clusterIp, "8080",
            "/api/v1/projects")
        .withNewResources()
        .addToRequests("cpu", new Quantity("50m")).addToRequests("memory", new Quantity("96Mi"))
        .addToLimits("cpu", new Quantity("500m")).addToLimits("memory", new Quantity("160Mi"))
        .endResources()
        .addNewVolumeMount().withName("probe").withMountPath("/probe").endVolumeMount()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .endContainer()
        .addNewVolume().withName("probe").withNewConfigMap().withName(name).endConfigMap().endVolume()
        .endSpec().build()).create();
    return name;
  }

  /** The status line the probe pod heard, once it has ended. */
  String awaitProbe(KubernetesClient as, String namespace, String name) {
    String[] heard = new String[1];
    waitUntil("the probe " + name + " in " + namespace + " to end", Duration.ofMinutes(3), () -> {
      Pod pod = as.pods().inNamespace(namespace).withName(name).get();
      var statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
      if (statuses == null || statuses.isEmpty() || statuses.get(0).getState().getTerminated() == null) {
        return false;
      }
      heard[0] = String.valueOf(statuses.get(0).getState().getTerminated().getMessage());
      return true;
    }, namespace);
    return heard[0];
  }

  /** The owner's own workload: the node's pause image, restricted unless {@code privileged}. */
  static Deployment ownerDeployment(String namespace, String name, boolean privileged) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withNewSpec()
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65535L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("sleep").withImage("tenantry.local/pause:3.2").withImagePullPolicy("Never")
        .withNewResources()
        .addToRequests("cpu", new Quantity("10m")).addToRequests("memory", new Quantity("16Mi"))
        .addToRequests("ephemeral-storage", new Quantity("16Mi"))
        .addToLimits("cpu", new Quantity("50m")).addToLimits("memory", new Quantity("32Mi"))
        .addToLimits("ephemeral-storage", new Quantity("64Mi"))
        .endResources()
        .withNewSecurityContext().withPrivileged(privileged ? Boolean.TRUE : null)
        .withAllowPrivilegeEscalation(privileged ? null : Boolean.FALSE)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  @Test
  @Order(5)
  void aTokenOfAnotherTenantIsRefused() throws Exception {
    String foreign = tenantToken("e2e-b1");
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(runtimeUri("e2e-alpha").resolve("/api/v1/projects"))
        .header("Authorization", "Bearer " + foreign).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isIn(401, 403);
    assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/problem+json"));
  }

  @Test
  @Order(6)
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
  @Order(7)
  void aHibernatedTenantWakesForCallsMadeWhileItSleepsOverRestGrpcAndWebSocket() throws Exception {
    String token = tenantToken("e2e-alpha");
    String clusterIp = kube.services().inNamespace("tenant-e2e-alpha").withName("runtime").get().getSpec().getClusterIP();
    HttpResponse<String> hibernated = controlRest("POST", "/api/v1/tenants/e2e-alpha/hibernate", Map.of());
    assertThat(hibernated.statusCode()).as(hibernated.body()).isBetween(200, 202);
    waitUntil("e2e-alpha asleep, no pods, its Service routed to the activator", Duration.ofMinutes(2), () -> {
      var service = kube.services().inNamespace("tenant-e2e-alpha").withName("runtime").get();
      // kube-proxy reads EndpointSlices: the one the slice controller left for the gone pod must go
      var slices = kube.genericKubernetesResources("discovery.k8s.io/v1beta1", "EndpointSlice")
          .inNamespace("tenant-e2e-alpha").list().getItems();
      return "Hibernated".equals(platform.phase("e2e-alpha"))
          && kube.pods().inNamespace("tenant-e2e-alpha").list().getItems().isEmpty()
          && (service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty())
          && !slices.isEmpty() && slices.stream().allMatch(slice -> "endpointslicemirroring-controller.k8s.io".equals(
              slice.getMetadata().getLabels().get("endpointslice.kubernetes.io/managed-by")));
    }, "tenant-e2e-alpha");
    URI runtime = runtimeUri("e2e-alpha");
    assertThat(runtime.getHost()).as("callers keep the Service's address").isEqualTo(clusterIp);

    // a pod of another tenant calls it through the activator: refused, and e2e-alpha sleeps on
    Map<String, String> asleep = kube.resources(Tenant.class).withName("e2e-alpha").get().getMetadata().getAnnotations();
    try (KubernetesClient otherOwner = platform.cluster.client("ops@b.example")) {
      probe(otherOwner, "tenant-e2e-b1", "intruder", clusterIp);
      assertThat(awaitProbe(otherOwner, "tenant-e2e-b1", "intruder")).as("what the other tenant's pod heard")
          .startsWith("HTTP/1.1 403");
    }
    assertThat(platform.phase("e2e-alpha")).isEqualTo("Hibernated");
    // an earlier admin wake may have left its (spent) request: the refused call asks no new one
    String wakeRequest = dev.tenantry.crds.TenantryApi.WAKE_REQUESTED_AT_ANNOTATION;
    assertThat(kube.resources(Tenant.class).withName("e2e-alpha").get().getMetadata().getAnnotations().get(wakeRequest))
        .as("no wake asked for the refused call").isEqualTo(asleep == null ? null : asleep.get(wakeRequest));
    // a pod of its own calls it too, while the host's calls below are held: both are admitted
    probe(kube, "tenant-e2e-alpha", "neighbour", clusterIp);

    // all three made while it sleeps, to the address they always used
    try (Frames events = Frames.open(http, ws(runtime, "/ws/events"), token, null)) {
      events.send("{\"type\":\"subscribe\",\"since\":0}");
      ManagedChannel channel = grpcChannel(runtime, "e2e-alpha");
      try {
        // a held TLS handshake lasts the client's 10 s at most; waiting for ready rides out a longer wake
        var listed = ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(token)).withWaitForReady()
            .withDeadlineAfter(2, TimeUnit.MINUTES).listProjects(ListProjectsRequest.getDefaultInstance());
        assertThat(listed.getProjectsList()).extracting(p -> p.getName()).contains("Launch");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      HttpResponse<String> projects = http.send(HttpRequest.newBuilder(runtime.resolve("/api/v1/projects"))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(1)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(projects.statusCode()).as(projects.body()).isEqualTo(200);
      assertThat(projects.body()).contains("Launch");
      JsonNode old = events.await(m -> "event".equals(m.path("type").asText()), Duration.ofMinutes(1),
          "the tenant's old events on the WebSocket held while it slept");
      // and live: an event made now reaches the socket opened while the tenant slept
      HttpResponse<String> made = http.send(HttpRequest.newBuilder(runtime.resolve("/api/v1/projects"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"After the wake\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      events.await(m -> "event".equals(m.path("type").asText()) && m.path("sequence").asLong() > old.path("sequence").asLong()
          && m.toString().contains("After the wake"), Duration.ofMinutes(1), "the live event of a project made after the wake");
    }
    assertThat(awaitProbe(kube, "tenant-e2e-alpha", "neighbour")).as("what the tenant's own pod heard (no token)")
        .startsWith("HTTP/1.1 401");
    kube.pods().inNamespace("tenant-e2e-alpha").withName("neighbour").delete();
    Tenant woken = kube.resources(Tenant.class).withName("e2e-alpha").get();
    assertThat(woken.getStatus().getHibernation().getLastWake().getTrigger()).isEqualTo("request");
    assertThat(kube.pods().inNamespace("tenant-e2e-alpha").list().getItems()).isNotEmpty();
    waitUntil("the Service selects the runtime again", Duration.ofMinutes(1), () -> {
      var selector = kube.services().inNamespace("tenant-e2e-alpha").withName("runtime").get().getSpec().getSelector();
      return selector != null && !selector.isEmpty();
    }, "tenant-e2e-alpha");
  }

  @Test
  @Order(8)
  void aBackupOnThePlatformVolumeBringsADeletedTenantBackWithItsData() throws Exception {
    // the operator pod streams the runtime's event log over gRPC and TLS to the Service's cluster IP
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName("e2e-alpha-1").build());
    backup.setSpec(new TenantBackupSpec("e2e-alpha", null));
    kube.resource(backup).create();
    waitUntil("backup e2e-alpha-1 finished", Duration.ofMinutes(2), () -> finished(
        kube.resources(TenantBackup.class).withName("e2e-alpha-1").get()), "tenant-e2e-alpha");
    TenantBackup done = kube.resources(TenantBackup.class).withName("e2e-alpha-1").get();
    assertThat(done.getStatus().getPhase()).as("%s", done.getStatus().getConditions()).isEqualTo(BackupPhase.Completed);
    assertThat(done.getStatus().getEventPosition()).isPositive();

    controlGraphQl("mutation { deleteTenant(name: \"e2e-alpha\") { name } }", Map.of());
    waitUntil("e2e-alpha and its namespace gone", Duration.ofMinutes(3), () ->
        kube.resources(Tenant.class).withName("e2e-alpha").get() == null
            && kube.namespaces().withName("tenant-e2e-alpha").get() == null, "tenant-e2e-alpha");

    TenantRestore restore = new TenantRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName("e2e-alpha-back").build());
    restore.setSpec(new TenantRestoreSpec("e2e-alpha-1", null));
    kube.resource(restore).create();
    waitUntil("restore e2e-alpha-back finished", PROVISIONING, () -> {
      TenantRestore current = kube.resources(TenantRestore.class).withName("e2e-alpha-back").get();
      return current.getStatus() != null && current.getStatus().getPhase() != null
          && current.getStatus().getPhase().finished();
    }, "tenant-e2e-alpha");
    TenantRestore restored = kube.resources(TenantRestore.class).withName("e2e-alpha-back").get();
    assertThat(restored.getStatus().getPhase()).as("%s", restored.getStatus().getConditions())
        .isEqualTo(BackupPhase.Completed);
    assertThat(restored.getStatus().getEventPosition()).isEqualTo(done.getStatus().getEventPosition());
    JsonNode projects = runtimeGraphQl(runtimeUri("e2e-alpha"), tenantToken("e2e-alpha"), "{ projects { items { name } } }");
    assertThat(projects.at("/projects/items/0/name").asText()).isEqualTo("Launch");
  }

  static boolean finished(TenantBackup backup) {
    return backup != null && backup.getStatus() != null && backup.getStatus().getPhase() != null
        && backup.getStatus().getPhase().finished();
  }

  @Test
  @Order(9)
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

  static final List<String> FLEET = List.of("e2e-r1", "e2e-r2", "e2e-r3", "e2e-r4", "e2e-r5", "e2e-r6");
  static final String RUNTIME = "tenantry/tenant-runtime:0.1.0";
  static final String NEXT = "tenantry/tenant-runtime:0.1.0-next";

  @Test
  @Order(10)
  void aRolloutMovesSixTenantsInWavesToANewTagAndKeepsTheirData() throws Exception {
    // a second version without a registry: the same image under a new tag, as a push would add it
    platform.cluster.script("node.sh", "tag", RUNTIME, NEXT);
    for (String name : FLEET) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
          .withLabels(Map.of("fleet", "e2e-rollout")).build());
      dev.tenantry.crds.tenant.TenantSpec spec = new dev.tenantry.crds.tenant.TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      kube.resource(tenant).create();
    }
    for (String name : FLEET) {
      waitUntil(name + " Ready", PROVISIONING, () -> "Ready".equals(platform.phase(name)), "tenant-" + name);
    }
    for (String name : FLEET) {
      HttpResponse<String> project = http.send(HttpRequest.newBuilder(runtimeUri(name).resolve("/api/v1/projects"))
          .header("Authorization", "Bearer " + tenantToken(name)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Kept by " + name + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
    }

    HttpResponse<String> created = controlRest("POST", "/api/v1/rollouts", Map.of("name", "e2e-next", "image", NEXT,
        "plans", List.of("free"), "matchLabels", Map.of("fleet", "e2e-rollout"),
        "waves", List.of(Map.of("name", "canary", "tenants", "1"), Map.of("name", "half", "tenants", "50%"),
            Map.of("name", "rest", "tenants", "100%")),
        "maxUnavailable", "2", "readyTimeoutSeconds", 240));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    waitUntil("rollout e2e-next Succeeded", Duration.ofMinutes(10), () -> "Succeeded".equals(rolloutPhase("e2e-next")),
        "tenant-e2e-r6");

    JsonNode rollout = JSON.readTree(controlRest("GET", "/api/v1/rollouts/e2e-next", Map.of()).body());
    assertThat(rollout.at("/waves/0/updated").asInt()).isEqualTo(1);
    assertThat(rollout.at("/waves/1/updated").asInt()).isEqualTo(2);
    assertThat(rollout.at("/waves/2/updated").asInt()).isEqualTo(3);
    for (String name : FLEET) {
      // the last wave's old pods may still be draining when the rollout reports success
      waitUntil(name + "'s old pod gone", Duration.ofMinutes(2),
          () -> kube.pods().inNamespace("tenant-" + name).list().getItems().size() == 1, "tenant-" + name);
      List<Pod> pods = kube.pods().inNamespace("tenant-" + name).list().getItems();
      assertThat(pods).as(name + "'s pods").singleElement().satisfies(pod -> {
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(NEXT);
        assertThat(pod.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
      });
      JsonNode projects = runtimeGraphQl(runtimeUri(name), tenantToken(name), "{ projects { items { name } } }");
      assertThat(projects.at("/projects/items/0/name").asText()).as("the data survived the move").isEqualTo("Kept by " + name);
    }
    assertThat(kube.resources(dev.tenantry.crds.plan.TenantPlan.class).withName("free").get().getSpec().getRuntime()
        .getImage()).as("the plan follows a successful rollout").isEqualTo(NEXT);
  }

  @Test
  @Order(11)
  void aRolloutToAnImageThatNeverPullsFailsAtTheCanaryAndRollsBack() throws Exception {
    Map<String, Long> generations = new java.util.HashMap<>();
    for (String name : FLEET) {
      generations.put(name, kube.apps().deployments().inNamespace("tenant-" + name).withName("runtime").get()
          .getMetadata().getGeneration());
    }
    // a registry on this machine's loopback that is not there: the pull fails at once, nothing leaves the host
    String missing = "127.0.0.1:1/tenantry/tenant-runtime:missing";
    HttpResponse<String> created = controlRest("POST", "/api/v1/rollouts", Map.of("name", "e2e-missing",
        "image", missing, "matchLabels", Map.of("fleet", "e2e-rollout"),
        "waves", List.of(Map.of("tenants", "1"), Map.of("tenants", "100%")), "readyTimeoutSeconds", 45));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    waitUntil("rollout e2e-missing RolledBack", Duration.ofMinutes(5), () -> "RolledBack".equals(rolloutPhase("e2e-missing")),
        "tenant-e2e-r1");

    JsonNode rollout = JSON.readTree(controlRest("GET", "/api/v1/rollouts/e2e-missing", Map.of()).body());
    assertThat(rollout.at("/failures/0/tenant").asText()).isEqualTo("e2e-r1");
    waitUntil("the canary back on " + NEXT + " and Ready", PROVISIONING, () -> {
      List<Pod> pods = kube.pods().inNamespace("tenant-e2e-r1").list().getItems();
      return "Ready".equals(platform.phase("e2e-r1")) && pods.size() == 1
          && NEXT.equals(pods.get(0).getSpec().getContainers().get(0).getImage())
          && Boolean.TRUE.equals(pods.get(0).getStatus().getContainerStatuses().get(0).getReady());
    }, "tenant-e2e-r1");
    for (String name : FLEET.subList(1, FLEET.size())) {
      assertThat(kube.apps().deployments().inNamespace("tenant-" + name).withName("runtime").get().getMetadata()
          .getGeneration()).as(name + " outside the canary was never touched").isEqualTo(generations.get(name));
    }
    JsonNode projects = runtimeGraphQl(runtimeUri("e2e-r1"), tenantToken("e2e-r1"), "{ projects { items { name } } }");
    assertThat(projects.at("/projects/items/0/name").asText()).isEqualTo("Kept by e2e-r1");
  }

  String rolloutPhase(String name) throws Exception {
    HttpResponse<String> answer = controlRest("GET", "/api/v1/rollouts/" + name, Map.of());
    return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("phase").asText() : null;
  }

  // ------------------------------------------------------------------------------------------

  JsonNode controlGraphQl(String query, Map<String, Object> variables) throws Exception {
    return platform.graphql(query, variables);
  }

  HttpResponse<String> controlRest(String method, String path, Object body) throws Exception {
    return platform.rest(method, path, body);
  }

  String tenantToken(String tenant) throws Exception {
    return platform.tenantToken(tenant);
  }

  JsonNode runtimeGraphQl(URI runtime, String token, String query) throws Exception {
    ObjectNode request = JSON.createObjectNode().put("query", query);
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(runtime.resolve("/graphql"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }

  URI runtimeUri(String tenant) {
    return platform.runtimeUri(tenant);
  }

  static URI ws(URI base, String path) {
    return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
  }

  /** gRPC over TLS to the tenant's Service, trusting the platform CA, naming the Service as its certificate does. */
  ManagedChannel grpcChannel(URI runtime, String tenant) throws Exception {
    return grpcChannel(runtime, tenant, kube);
  }

  static ManagedChannel grpcChannel(URI runtime, String tenant, KubernetesClient kube) throws Exception {
    byte[] ca = Base64.getDecoder().decode(kube.secrets().inNamespace("tenant-" + tenant)
        .withName("runtime-tls").get().getData().get("ca.crt"));
    return NettyChannelBuilder.forAddress(runtime.getHost(), 9090)
        .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(ca)).build())
        .overrideAuthority("runtime.tenant-" + tenant + ".svc").build();
  }

  static CallCredentials bearer(String token) {
    return new dev.tenantry.operator.runtimeapi.BearerCallCredentials(token);
  }

  static boolean databaseExists(Connection db, String name) throws Exception {
    try (var statement = db.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  void waitUntil(String what, Duration timeout, Callable<Boolean> condition, String namespace) {
    platform.waitUntil(what, timeout, condition, namespace);
  }
}
