package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.controlapi.ControlApiTestSupport.Recorder;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.SimulatedRuntimePods;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.graphql.test.tester.WebSocketGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

/**
 * Rollouts through the control API with the real operator in-process on a real API server:
 * REST and GraphQL create, read, pause, resume and abort them, refused input names its field,
 * and wave progress arrives live on the provisioning socket and the {@code rolloutEvents}
 * subscription. No kubelet runs here: {@link SimulatedRuntimePods} reports the runtime pods
 * (never ready for an image tagged {@code broken}).
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "tenantry.heartbeat=1s"})
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class RolloutApiTest {
  static final String NEW = "tenantry/tenant-runtime:0.2.0";

  @Autowired
  KubeApiServer server;

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  @Autowired
  PlatformKeys keys;

  ControlApiTestSupport.InProcessOperator operator;
  SimulatedRuntimePods pods;
  WebTestClient http;
  String admin;
  String viewer;

  @BeforeAll
  void startOperator() {
    operator = ControlApiTestSupport.InProcessOperator.withSimulatedPods(server, image -> !image.endsWith(":broken"));
    pods = operator.pods();
    ControlApiTestSupport.createReadyTenants(client, "free", List.of("roll-a", "roll-b", "roll-c"));
  }

  @AfterAll
  void stopOperator() {
    operator.close();
  }

  @BeforeEach
  void clients() {
    http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
        .build();
    admin = ControlApiTestSupport.adminToken(client);
    viewer = keys.platformToken("watcher", List.of("platform-viewer"), Duration.ofMinutes(10));
  }

  HttpGraphQlTester graphql(String token) {
    return HttpGraphQlTester.create(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port + "/graphql")
        .defaultHeaders(h -> h.setBearerAuth(token)).build());
  }

  WebTestClient.ResponseSpec post(String path, String token, Object body) {
    return http.post().uri(path).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange();
  }

  @Test
  void restStartsARolloutWhoseWavesArriveLiveUntilItSucceeds() throws Exception {
    Recorder socket = Recorder.connect("ws://127.0.0.1:" + port + "/ws/provisioning", viewer);
    post("/api/v1/rollouts", admin, Map.of("name", "rest-rollout", "image", NEW, "plans", List.of("free"),
        "waves", List.of(Map.of("name", "canary", "tenants", "1"), Map.of("name", "rest", "tenants", "100%")),
        "maxUnavailable", "1"))
        .expectStatus().isCreated()
        .expectHeader().location("/api/v1/rollouts/rest-rollout")
        .expectBody().jsonPath("$.image").isEqualTo(NEW).jsonPath("$.waves[0].size").isEqualTo("1");

    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rolloutMessages(socket, "rest-rollout").stream()
        .anyMatch(m -> "Succeeded".equals(m.path("phase").asString())));
    List<JsonNode> messages = rolloutMessages(socket, "rest-rollout");
    List<Integer> updated = messages.stream().map(m -> m.path("updated").asInt()).distinct().toList();
    assertThat(updated).as("the socket showed the tenants being moved one by one").containsSubsequence(1, 2, 3);
    JsonNode last = messages.get(messages.size() - 1);
    assertThat(last.path("waves").get(1).path("total").asInt()).isEqualTo(2);
    assertThat(last.path("waves").get(1).path("ready").asInt()).isEqualTo(2);

    http.get().uri("/api/v1/rollouts/rest-rollout").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isOk().expectBody()
        .jsonPath("$.phase").isEqualTo("Succeeded")
        .jsonPath("$.updated").isEqualTo(3)
        .jsonPath("$.conditions[?(@.type=='Complete')].status").isEqualTo("True");
    http.get().uri("/api/v1/rollouts").headers(h -> h.setBearerAuth(viewer)).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$[*].name").value(names -> assertThat(String.valueOf(names)).contains("rest-rollout"));
    post("/api/v1/rollouts/rest-rollout/abort", admin, Map.of()).expectStatus().isEqualTo(409)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    post("/api/v1/rollouts/rest-rollout/pause", viewer, Map.of()).expectStatus().isForbidden();
    assertThat(http.get().uri("/api/v1/openapi.json").exchange().expectBody(String.class).returnResult()
        .getResponseBody()).contains("/api/v1/rollouts/{name}/abort");
  }

  @Test
  void refusedRolloutsNameTheFieldAndCreateNothing() {
    record Bad(Map<String, Object> body, String field) {}
    List<Bad> bad = List.of(
        new Bad(Map.of("name", "Bad Name", "image", NEW), "name"),
        new Bad(Map.of("name", "no-tag", "image", "tenantry/tenant-runtime"), "image"),
        new Bad(Map.of("name", "no-plan", "image", NEW, "plans", List.of("gold")), "plans"),
        new Bad(Map.of("name", "bad-wave", "image", NEW, "waves", List.of(Map.of("tenants", "half"))), "waves"),
        new Bad(Map.of("name", "zero-wave", "image", NEW, "waves", List.of(Map.of("tenants", "0%"))), "waves"),
        new Bad(Map.of("name", "bad-soak", "image", NEW, "soakSeconds", -5), "soakSeconds"),
        new Bad(Map.of("name", "nobody", "image", NEW, "matchLabels", Map.of("tier", "gold")), "matchLabels"));
    for (Bad request : bad) {
      post("/api/v1/rollouts", admin, request.body()).expectStatus().isBadRequest()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.field").isEqualTo(request.field());
    }
    graphql(admin).document("mutation { createRollout(input: {name: \"gql-bad\", image: \"x\"}) { name } }").execute()
        .errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "image"));
    http.get().uri("/api/v1/rollouts/nothing-here").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isNotFound().expectBody().jsonPath("$.detail").isEqualTo("rollout 'nothing-here' not found");
    assertThat(client.resources(TenantRollout.class).list().getItems())
        .extracting(r -> r.getMetadata().getName()).doesNotContain("no-tag", "no-plan", "bad-wave", "nobody", "gql-bad");
  }

  @Test
  void graphqlPausesResumesAndAbortsARolloutFollowedByItsSubscription() {
    pods.hold("roll-a");
    pods.hold("roll-b");
    WebSocketGraphQlTester live = WebSocketGraphQlTester.builder("ws://127.0.0.1:" + port + "/graphql",
        new ReactorNettyWebSocketClient()).headers(h -> h.setBearerAuth(viewer)).build();
    graphql(admin).document("mutation { createRollout(input: {name: \"gql-rollout\", image: \"tenantry/tenant-runtime:broken\","
            + " plans: [\"free\"], waves: [{tenants: \"100%\"}], maxUnavailable: \"1\", readyTimeoutSeconds: 600}) {"
            + " name phase waves { name size } } }").execute()
        .path("createRollout.name").entity(String.class).isEqualTo("gql-rollout")
        .path("createRollout.waves[0].name").entity(String.class).isEqualTo("wave-1");
    List<Map<String, Object>> updates = new CopyOnWriteArrayList<>();
    Disposable subscription = live.document("subscription { rolloutEvents(name: \"gql-rollout\") { type phase updated"
            + " paused waves { updated ready } } }").executeSubscription()
        .toFlux("rolloutEvents", Map.class).subscribe(m -> updates.add(stringKeyed(m)));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> updates.stream()
          .anyMatch(u -> Integer.valueOf(1).equals(u.get("updated"))));
      graphql(admin).document("mutation { pauseRollout(name: \"gql-rollout\") { paused } }").execute()
          .path("pauseRollout.paused").entity(Boolean.class).isEqualTo(true);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> updates.stream()
          .anyMatch(u -> "Paused".equals(u.get("phase"))));
      graphql(admin).document("mutation { resumeRollout(name: \"gql-rollout\") { paused } }").execute()
          .path("resumeRollout.paused").entity(Boolean.class).isEqualTo(false);
      graphql(admin).document("mutation { abortRollout(name: \"gql-rollout\") { aborted } }").execute()
          .path("abortRollout.aborted").entity(Boolean.class).isEqualTo(true);
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> updates.stream()
          .anyMatch(u -> "RolledBack".equals(u.get("phase"))));
    } finally {
      subscription.dispose();
      pods.release("roll-a");
      pods.release("roll-b");
    }
    graphql(viewer).document("{ rollout(name: \"gql-rollout\") { phase conditions { type status reason } } rollouts { name } }")
        .execute()
        .path("rollout.phase").entity(String.class).isEqualTo("RolledBack")
        .path("rollout.conditions[?(@.type=='Degraded')].reason").entityList(String.class).containsExactly("Aborted");
    assertThat(client.resources(TenantRollout.class).withName("gql-rollout").get().getStatus().getPhase())
        .isEqualTo(RolloutPhase.RolledBack);
    graphql(admin).document("mutation { deleteRollout(name: \"gql-rollout\") { name } }").execute()
        .path("deleteRollout.name").entity(String.class).isEqualTo("gql-rollout");
  }

  static List<JsonNode> rolloutMessages(Recorder socket, String rollout) {
    List<JsonNode> messages = new ArrayList<>();
    for (JsonNode message : socket.messages) {
      if ("rollout".equals(message.path("type").asString()) && rollout.equals(message.path("rollout").asString())) {
        messages.add(message);
      }
    }
    return messages;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stringKeyed(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
