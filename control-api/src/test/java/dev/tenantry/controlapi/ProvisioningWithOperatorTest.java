package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.controlapi.ControlApiTestSupport.Recorder;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.RuntimePods;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole control path in one JVM on a real API server: a tenant created through the
 * control API is provisioned by the real operator, and the provisioning WebSocket shows each
 * step. No kubelet runs here, so the test marks the runtime's pods ready itself.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ProvisioningWithOperatorTest {
  @Autowired
  KubeApiServer server;

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  @Test
  void aTenantCreatedThroughTheApiIsProvisionedAndEveryStepIsShownLive() throws Exception {
    String admin = ControlApiTestSupport.adminToken(client);
    try (ControlApiTestSupport.InProcessOperator operator = ControlApiTestSupport.InProcessOperator.start(server)) {
      Recorder socket = Recorder.connect("ws://127.0.0.1:" + port + "/ws/provisioning?access_token=" + admin);
      WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
          .post().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("name", "live", "plan", "free", "owners", List.of(Map.of("kind", "User", "name", "ann"))))
          .exchange().expectStatus().isCreated();

      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> socket.messages.stream()
          .anyMatch(m -> "live".equals(m.path("tenant").asString()) && m.path("completedSteps").asInt() == 4
              && runtimeReason(m).equals("WaitingForPods")));
      // the operator may still be applying the Deployment: retry a status write that lost the race
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .untilAsserted(() -> RuntimePods.reportReady(client, "live"));
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> socket.messages.stream()
          .anyMatch(m -> "live".equals(m.path("tenant").asString()) && "Ready".equals(m.path("phase").asString())));

      List<Integer> progress = socket.messages.stream().filter(m -> "live".equals(m.path("tenant").asString()))
          .map(m -> m.path("completedSteps").asInt()).distinct().toList();
      assertThat(progress).as("each step shown as it completed, in order").containsExactly(0, 1, 2, 3, 4, 5);
      JsonNode last = socket.messages.get(socket.messages.size() - 1);
      assertThat(last.path("message").asString()).isEqualTo("tenant is ready");

      // settled: the operator writes nothing more while nobody changes anything
      String settled = client.apps().deployments().inNamespace("tenant-live").withName("runtime").get()
          .getMetadata().getResourceVersion();
      Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> settled.equals(
          client.apps().deployments().inNamespace("tenant-live").withName("runtime").get()
              .getMetadata().getResourceVersion()));
    }
  }

  private static String runtimeReason(JsonNode message) {
    for (JsonNode condition : message.path("conditions")) {
      if ("RuntimeReady".equals(condition.path("type").asString())) {
        return condition.path("reason").asString();
      }
    }
    return "";
  }
}
