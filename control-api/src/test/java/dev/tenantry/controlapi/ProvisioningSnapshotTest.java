package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.controlapi.ControlApiTestSupport.Recorder;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A fleet larger than the socket's buffer for waiting changes: the provisioning socket's
 * snapshot still holds every tenant, and the changes after it still arrive. (The buffer once
 * counted the snapshot too: every snapshot of more than 1,024 tenants was cut short and the
 * next change closed the socket as too slow.)
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "tenantry.subscriber-buffer=8"})
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class ProvisioningSnapshotTest {
  private static final int FLEET = 40;

  @Autowired
  KubernetesClient client;

  @LocalServerPort
  int port;

  @Test
  void aSnapshotLargerThanTheBufferArrivesWholeAndChangesFollowIt() throws Exception {
    List<String> names = IntStream.range(0, FLEET).mapToObj(i -> String.format("fleet-%02d", i)).toList();
    names.forEach(name -> client.resource(Tenant.onPlan(name, "free")).create());
    String admin = ControlApiTestSupport.adminToken(client);
    String socket = "ws://127.0.0.1:" + port + "/ws/provisioning?access_token=" + admin;
    // the control API's cache has the whole fleet once its REST list counts it
    var http = java.net.http.HttpClient.newHttpClient();
    var list = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/tenants?limit=1"))
        .header("Authorization", "Bearer " + admin).build();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> http.send(list,
        java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains("\"totalCount\":" + FLEET));

    Recorder recorder = Recorder.connect(socket);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> tenantMessages(recorder).size() >= FLEET);
    assertThat(tenantMessages(recorder)).containsExactlyElementsOf(names);

    ControlApiTestSupport.reportSteps(client, "fleet-07", 2, Optional.empty());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> recorder.messages.stream()
        .anyMatch(m -> "fleet-07".equals(m.path("tenant").asString()) && m.path("completedSteps").asInt() == 2));
    assertThat(recorder.closed).as("the socket stays open").isNotDone();
  }

  private static List<String> tenantMessages(Recorder recorder) {
    return recorder.messages.stream().filter(m -> m.path("tenant").isString())
        .map(m -> m.path("tenant").asString()).toList();
  }
}
