package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.testkit.GraphQlWsClient;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The control API's GraphQL subscriptions with the stock {@code graphql-ws} npm client on real
 * Node.js, as a frontend uses it: the admin token in {@code connectionParams}; bad tokens closed
 * with 4403 and the reason; the handshake's header and {@code access_token} still accepted, the
 * latter nowhere else; a viewer subscribes but cannot mutate; an expiring token ends the connection.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
class GraphQlWsAuthTest {
  static final String FOLLOW = "subscription($n: String!) { tenantEvents(name: $n) { type tenant completedSteps } }";

  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  @Autowired
  PlatformKeys keys;

  String admin;
  String viewer;

  @BeforeEach
  void tenantAndTokens() {
    admin = ControlApiTestSupport.adminToken(client);
    viewer = keys.platformToken("watcher", List.of("platform-viewer"), Duration.ofMinutes(10));
    if (client.resources(Tenant.class).withName("followed").get() == null) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("followed").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      client.resource(tenant).create();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> GraphQlWsClient.run(follow(Map.of(
          "Authorization", "Bearer " + admin), 1)).of("next").size() == 1);
    }
  }

  String url() {
    return "ws://127.0.0.1:" + port + "/graphql";
  }

  Map<String, Object> follow(Map<String, Object> connectionParams, int take) {
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    if (connectionParams != null) {
      config.put("connectionParams", connectionParams);
    }
    config.put("operations", List.of(Map.of("query", FOLLOW, "variables", Map.of("n", "followed"), "take", take)));
    return config;
  }

  @Test
  void theStockClientFollowsATenantWithConnectionParams() {
    CompletableFuture<GraphQlWsClient.Run> running = CompletableFuture.supplyAsync(() ->
        GraphQlWsClient.run(follow(Map.of("Authorization", "Bearer " + viewer), 2)));
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(1)).until(() -> {
      ControlApiTestSupport.reportSteps(client, "followed", 2, Optional.empty());
      return true;
    });
    GraphQlWsClient.Run run = running.join();
    List<JsonNode> updates = run.of("next");
    assertThat(updates).hasSize(2);
    assertThat(updates.get(1).at("/result/data/tenantEvents/completedSteps").asInt()).isEqualTo(2);
  }

  @Test
  void everyBadTokenClosesWith4403AndSaysWhy() {
    Map<String, String> expected = Map.of(
        "", "no token",
        ControlApiTestSupport.expiredAdminToken(keys), "expired",
        ControlApiTestSupport.forgedToken(), "invalid token",
        keys.tenantToken("followed", "alice", List.of("tenant-admin"), Duration.ofMinutes(5)), "roles");
    expected.forEach((token, reason) -> {
      GraphQlWsClient.Run run = GraphQlWsClient.run(follow(token.isEmpty() ? null
          : Map.of("authorization", token), 1));
      assertThat(run.of("next")).as(reason).isEmpty();
      assertThat(run.closed()).as(reason).hasValueSatisfying(closed -> {
        assertThat(closed).startsWith("4403 ");
        assertThat(closed.toLowerCase()).contains(reason);
      });
    });
    GraphQlWsClient.Run early = GraphQlWsClient.run(Map.of("url", url(), "mode", "raw", "send",
        List.of(Map.of("id", "1", "type", "subscribe", "payload", Map.of("query", "{ plans { name } }")))));
    assertThat(early.closed()).as("subscribe before the acknowledgement").hasValueSatisfying(c -> assertThat(c).startsWith("4401"));
  }

  @Test
  void theHandshakeHeaderAndAccessTokenStillWorkButAccessTokenNowhereElse() throws Exception {
    Map<String, Object> withHeader = follow(null, 1);
    withHeader.put("headers", Map.of("Authorization", "Bearer " + viewer));
    assertThat(GraphQlWsClient.run(withHeader).of("next")).hasSize(1);
    Map<String, Object> inUrl = follow(null, 1);
    inUrl.put("url", url() + "?access_token=" + viewer);
    assertThat(GraphQlWsClient.run(inUrl).of("next")).hasSize(1);

    HttpResponse<String> rest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/v1/tenants?access_token=" + viewer)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).as("a token in a REST URL is not a credential").isEqualTo(401);
  }

  @Test
  void aConnectionInitSentTheMomentTheSocketOpensIsAlwaysAcknowledged() {
    // as the stock clients do; a WebSession per handshake once lost about one in thirty of these
    GraphQlWsClient.Run run = GraphQlWsClient.run(Map.of("url", url(), "mode", "acks", "repeat", 100,
        "headers", Map.of("Authorization", "Bearer " + viewer), "timeoutMs", 50000));
    assertThat(run.of("acks")).singleElement().satisfies(acks -> assertThat(acks.path("acked").asInt()).isEqualTo(100));
  }

  @Test
  void aViewerSubscribesButCannotMutateOverTheSocket() {
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    config.put("connectionParams", Map.of("Authorization", "Bearer " + viewer));
    config.put("operations", List.of(
        Map.of("query", FOLLOW, "variables", Map.of("n", "followed"), "take", 1),
        Map.of("query", "mutation { suspendTenant(name: \"followed\") { name } }")));
    GraphQlWsClient.Run run = GraphQlWsClient.run(config);
    assertThat(run.of("next")).first().satisfies(e -> assertThat(e.path("op").asInt()).isZero());
    JsonNode refused = run.events().stream().filter(e -> e.path("op").asInt(-1) == 1).findFirst().orElseThrow();
    assertThat(refused.toString()).containsIgnoringCase("forbidden");
    assertThat(client.resources(Tenant.class).withName("followed").get().getSpec().isSuspendedRequested()).isFalse();
  }

  @Test
  void theConnectionEndsWhenItsTokenExpires() {
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    config.put("connectionParams", Map.of("Authorization",
        "Bearer " + keys.platformToken("brief", List.of("platform-viewer"), Duration.ofSeconds(3))));
    config.put("hold", Map.of("query", FOLLOW, "variables", Map.of("n", "followed")));
    config.put("holdMs", 15000);
    GraphQlWsClient.Run run = GraphQlWsClient.run(config);
    assertThat(run.of("next")).isNotEmpty();
    assertThat(run.closed().orElse("open")).as(run.events() + run.stderr()).startsWith("4403 token expired");
  }
}
