package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The platform as scripts/up.sh runs it, in a state directory of its own: the control plane, a
 * real node, the Helm chart; with clients of the control API and the host's state before it all,
 * which {@link #close()} checks is back.
 */
final class LocalPlatform implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final HostState before;
  final LocalCluster cluster;
  final KubernetesClient kube;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final URI controlApi;
  final String adminToken;

  private LocalPlatform(HostState before, LocalCluster cluster) {
    this.before = before;
    this.cluster = cluster;
    this.kube = cluster.client(null);
    try {
      // what scripts/up.sh does: the platform PostgreSQL for tenant databases, then the chart
      kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PlatformChart.NAMESPACE)
          .endMetadata().build()).serverSideApply();
      kube.resource(new SecretBuilder().withNewMetadata().withName("tenantry-postgres-admin")
          .withNamespace(PlatformChart.NAMESPACE).endMetadata()
          .withStringData(Map.of("url", "jdbc:postgresql://10.87.0.1:5432/postgres", "username", "postgres",
              "password", "")).build()).serverSideApply();
      PlatformChart.installOrUpgrade(cluster.kubeconfig(),
          List.of(TenantryCrds.checkout().resolve("scripts/local-values.yaml")));
      waitUntil("the operator and the control API to be Ready", Duration.ofMinutes(4), () ->
          kube.apps().deployments().inNamespace(PlatformChart.NAMESPACE).list().getItems().stream()
              .allMatch(d -> d.getStatus() != null && d.getStatus().getReadyReplicas() != null
                  && d.getStatus().getReadyReplicas().equals(d.getSpec().getReplicas())), PlatformChart.NAMESPACE);
      String ip = kube.services().inNamespace(PlatformChart.NAMESPACE).withName("tenantry-control-api").get()
          .getSpec().getClusterIP();
      this.controlApi = URI.create("http://" + ip + ":8090");
      this.adminToken = waitFor("the bootstrap admin token", Duration.ofSeconds(60), () -> {
        var secret = kube.secrets().inNamespace(PlatformChart.NAMESPACE).withName("tenantry-admin-token").get();
        return secret == null ? null : new String(Base64.getDecoder().decode(secret.getData().get("token")),
            StandardCharsets.UTF_8);
      });
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  static LocalPlatform start(Path state) {
    return start(state, Map.of());
  }

  /** Starts everything in {@code state}; {@code environment} adds settings for the scripts. */
  static LocalPlatform start(Path state, Map<String, String> environment) {
    Path checkout = TenantryCrds.checkout();
    for (String app : List.of("tenant-runtime", "operator", "activator", "control-api")) {
      assertThat(checkout.resolve(app + "/target/jib-image.tar"))
          .as("the %s image tarball: build with `scripts/images.sh base && mvn -Pimages verify` (scripts/test.sh does)",
              app).exists();
    }
    assertThat(HostState.run("ip", "link", "show", "cni0")).as("another local node runs here: scripts/down.sh first")
        .contains("does not exist");
    HostState before = HostState.capture();
    LocalCluster cluster = LocalCluster.start(state, environment, "--node", "--empty");
    try {
      cluster.script("node.sh", "start");
    } catch (RuntimeException e) {
      cluster.script("node.sh", "stop");
      cluster.close();
      throw e;
    }
    return new LocalPlatform(before, cluster);
  }

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(controlApi.resolve("/graphql"))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query, "variables", variables))))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }

  HttpResponse<String> rest(String method, String path, Object body) throws Exception {
    return http.send(HttpRequest.newBuilder(controlApi.resolve(path))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String tenantToken(String tenant) throws Exception {
    return graphql("""
        mutation($t: String!) { issueTenantToken(tenant: $t, subject: "e2e@tenantry.dev", roles: ["tenant-admin"], ttl: "1h") { token } }""",
        Map.of("t", tenant)).at("/issueTenantToken/token").asText();
  }

  /**
   * The tenant's Service address, once kube-proxy routes it: a Tenant turns Ready when its pod is,
   * and kube-proxy writes the Service's rules a moment later (until then a connect is refused).
   */
  URI runtimeUri(String tenant) {
    String clusterIp = kube.services().inNamespace("tenant-" + tenant).withName("runtime").get().getSpec().getClusterIP();
    waitUntil("the Service of " + tenant + " routed by kube-proxy", Duration.ofMinutes(1), () -> {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(clusterIp, 8080), 2000); // refused or unreachable: asked again
        return true;
      }
    }, "tenant-" + tenant);
    return URI.create("http://" + clusterIp + ":8080");
  }

  String phase(String tenant) {
    Tenant current = kube.resources(Tenant.class).withName(tenant).get();
    return current == null || current.getStatus() == null ? null : String.valueOf(current.getStatus().getPhase());
  }

  /** Waits with a deadline; on failure names what it waited for and shows the namespace's state and logs. */
  void waitUntil(String what, Duration timeout, Callable<Boolean> condition, String namespace) {
    try {
      Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + timeout + " for " + what + "\n" + diagnostics(namespace), e);
    }
  }

  <T> T waitFor(String what, Duration timeout, Supplier<T> value) {
    try {
      return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(value::get, v -> v != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + timeout + " for " + what + "\n" + diagnostics(PlatformChart.NAMESPACE), e);
    }
  }

  String diagnostics(String namespace) {
    StringBuilder out = new StringBuilder();
    try {
      kube.resources(Tenant.class).list().getItems().forEach(t -> out.append("tenant ").append(t.getMetadata().getName())
          .append(": ").append(t.getStatus() == null ? "(no status)" : t.getStatus().getPhase() + " "
              + t.getStatus().getConditions()).append('\n'));
      for (Pod pod : kube.pods().inNamespace(namespace).list().getItems()) {
        out.append("pod ").append(pod.getMetadata().getName()).append(": ").append(pod.getStatus().getPhase())
            .append(' ').append(pod.getStatus().getContainerStatuses()).append('\n');
        try {
          out.append(kube.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).tailingLines(30).getLog())
              .append('\n');
        } catch (RuntimeException e) {
          out.append("(no log: ").append(e.getMessage()).append(")\n");
        }
      }
      var events = kube.v1().events().inNamespace(namespace).list().getItems();
      events.stream().skip(Math.max(0, events.size() - 15))
          .forEach(e -> out.append("event ").append(e.getReason()).append(": ").append(e.getMessage()).append('\n'));
    } catch (RuntimeException e) {
      out.append("(diagnostics failed: ").append(e.getMessage()).append(")\n");
    }
    // the control plane's and the node's logs (kubelet, containerd, kube-proxy)
    out.append(cluster.logs());
    return out.toString();
  }

  /** Stops the node and the control plane, then checks the host is as it was before. */
  @Override
  public void close() {
    kube.close();
    try {
      cluster.script("node.sh", "stop");
    } finally {
      cluster.close();
    }
    assertThat(HostState.capture()).as("the host after scripts/node.sh stop").isEqualTo(before);
    assertThat(HostState.run("pgrep", "-f", cluster.state().toString())).as("processes left behind").isBlank();
  }
}
