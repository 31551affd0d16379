package dev.tenantry.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.grpc.ManagedChannel;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The chart in k3s, for machines with Docker: the image tarballs imported into k3s's containerd,
 * the platform installed with Helm, a Tenant applied, its runtime called through port-forwards.
 * Where Docker is missing the class is skipped with that reason; {@code node.LocalNodeTest}
 * proves the same path (and more) on a real local node without Docker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class K3sChartTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String K3S_IMAGE = System.getProperty("tenantry.k3s.image", "rancher/k3s:v1.30.4-k3s1");

  K3sContainer k3s;
  KubernetesClient kube;

  Path temp;

  static final boolean DOCKER = DockerClientFactory.instance().isDockerAvailable();

  @BeforeAll
  void installThePlatformInK3s(@TempDir Path temp) throws Exception {
    this.temp = temp;
    if (!DOCKER) {
      return;
    }
    Path checkout = TenantryCrds.checkout();
    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    for (String app : List.of("tenant-runtime", "operator", "control-api")) {
      Path tarball = checkout.resolve(app + "/target/jib-image.tar");
      assertThat(tarball).as("build the images first: scripts/images.sh base && mvn -Pimages verify").exists();
      k3s.copyFileToContainer(MountableFile.forHostPath(tarball), "/tmp/" + app + ".tar");
      var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/" + app + ".tar");
      assertThat(imported.getExitCode()).as("ctr import %s: %s", app, imported.getStderr()).isZero();
    }
    Path kubeconfig = temp.resolve("kubeconfig");
    Files.writeString(kubeconfig, k3s.getKubeConfigYaml());
    kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
    PlatformChart.installOrUpgrade(kubeconfig, List.of());
    Awaitility.await("the operator and the control API Ready").atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
        .until(() -> kube.apps().deployments().inNamespace(PlatformChart.NAMESPACE).list().getItems().stream()
            .allMatch(d -> d.getSpec().getReplicas().equals(d.getStatus().getReadyReplicas())));
  }

  @AfterAll
  void stop() {
    if (kube != null) {
      kube.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void aTenantReachesReadyAndItsRuntimeAnswers() throws Exception {
    // reported as skipped, with this reason, where there is no Docker (as on the development machines)
    assumeTrue(DOCKER, "Docker is not available: the k3s suite runs where it is (README, 'The k3s suite'); "
        + "LocalNodeTest covers this machine with a real node");
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName("acme").build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("free");
    spec.setOwners(List.of(new Owner(Owner.Kind.User, "alice@acme.example")));
    tenant.setSpec(spec);
    kube.resource(tenant).create();
    Awaitility.await("tenant acme Ready").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions().until(() -> "Ready".equals(String.valueOf(
            kube.resources(Tenant.class).withName("acme").get().getStatus().getPhase())));

    HttpClient http = HttpClient.newHttpClient();
    String admin = new String(Base64.getDecoder().decode(kube.secrets().inNamespace(PlatformChart.NAMESPACE)
        .withName("tenantry-admin-token").get().getData().get("token")), StandardCharsets.UTF_8);
    try (LocalPortForward control = kube.services().inNamespace(PlatformChart.NAMESPACE)
            .withName("tenantry-control-api").portForward(8090);
         LocalPortForward rest = kube.services().inNamespace("tenant-acme").withName("runtime").portForward(8080);
         LocalPortForward grpc = kube.services().inNamespace("tenant-acme").withName("runtime").portForward(9090)) {
      HttpResponse<String> issued = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + control.getLocalPort() + "/api/v1/tenants/acme/tokens"))
          .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("subject", "k3s@acme.example",
              "roles", List.of("tenant-admin"), "ttl", "1h")))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(issued.statusCode()).as(issued.body()).isIn(200, 201);
      String token = JSON.readTree(issued.body()).path("token").asText();

      URI runtime = URI.create("http://127.0.0.1:" + rest.getLocalPort());
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(runtime.resolve("/api/v1/projects"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Launch\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> graphql = http.send(HttpRequest.newBuilder(runtime.resolve("/graphql"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ projects { items { name } } }\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode data = JSON.readTree(graphql.body()).path("data");
      assertThat(data.at("/projects/items/0/name").asText()).isEqualTo("Launch");

      byte[] ca = Base64.getDecoder().decode(kube.secrets().inNamespace("tenant-acme").withName("runtime-tls").get()
          .getData().get("ca.crt"));
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getLocalPort())
          .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(ca)).build())
          .overrideAuthority("runtime.tenant-acme.svc").build();
      try {
        assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
