package dev.tenantry.runtime.graphql;

import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.runtime.RuntimeTestSupport;
import dev.tenantry.runtime.security.TenantTokens;
import dev.tenantry.testkit.GraphQlWsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * GraphQL subscriptions with the stock {@code graphql-ws} npm client on real Node.js, exactly as
 * its README shows: the token in {@code connectionParams}; every kind of bad token refused with
 * 4403 and the reason; the handshake's header and {@code access_token} still accepted; roles per
 * operation; the connection ended when its token expires.
 */
public abstract class GraphQlTransportWsContract {
  static final String EVENTS = "subscription($p: ID!) { taskEvents(projectId: $p, since: 0) { sequence type } }";

  @LocalServerPort
  int port;

  String url() {
    return "ws://127.0.0.1:" + port + "/graphql";
  }

  String createProject(String name) {
    return HttpGraphQlTester.create(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port + "/graphql")
            .defaultHeaders(h -> h.setBearerAuth(member())).build())
        .document("mutation($n: String!) { createProject(name: $n) { id } }").variable("n", name)
        .execute().path("createProject.id").entity(String.class).get();
  }

  Map<String, Object> subscribe(String projectId, Map<String, Object> connectionParams, int take) {
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    if (connectionParams != null) {
      config.put("connectionParams", connectionParams);
    }
    config.put("operations", List.of(Map.of("query", EVENTS, "variables", Map.of("p", projectId), "take", take)));
    return config;
  }

  @Test
  void theStockClientSubscribesWithConnectionParamsAndReceivesLiveEvents() {
    String projectId = createProject("graphql-ws");
    Map<String, Object> config = subscribe(projectId, Map.of("Authorization", "Bearer " + viewer()), 2);
    CompletableFuture<GraphQlWsClient.Run> running = CompletableFuture.supplyAsync(() -> GraphQlWsClient.run(config));
    // a second event arrives while the client listens: the live part of the stream
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(500))
        .until(() -> {
          HttpGraphQlTester.create(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port + "/graphql")
                  .defaultHeaders(h -> h.setBearerAuth(member())).build())
              .document("mutation($p: ID!) { createTask(input: {projectId: $p, title: \"live\"}) { id } }")
              .variable("p", projectId).execute();
          return true;
        });
    GraphQlWsClient.Run run = running.join();
    assertThat(run.of("connected")).hasSize(1);
    List<JsonNode> events = run.of("next");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).at("/result/data/taskEvents/type").asText()).isEqualTo("ProjectCreated");
    assertThat(events.get(1).at("/result/data/taskEvents/type").asText()).isEqualTo("TaskCreated");
  }

  @Test
  void aConnectionInitSentTheMomentTheSocketOpensIsAlwaysAcknowledged() {
    // as the stock clients do; a WebSession per handshake once lost about one in thirty of these
    GraphQlWsClient.Run run = GraphQlWsClient.run(Map.of("url", url(), "mode", "acks", "repeat", 100,
        "headers", Map.of("Authorization", "Bearer " + viewer()), "timeoutMs", 50000));
    assertThat(run.of("acks")).singleElement().satisfies(acks -> assertThat(acks.path("acked").asInt()).isEqualTo(100));
  }

  @Test
  void theTokenMayComeInEitherCaseAndWithoutItsPrefix() {
    String projectId = createProject("lower case");
    for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of("authorization", "Bearer " + viewer()),
        Map.of("Authorization", viewer()), Map.of("authorization", viewer()))) {
      GraphQlWsClient.Run run = GraphQlWsClient.run(subscribe(projectId, params, 1));
      assertThat(run.of("next")).as(params.keySet().toString()).hasSize(1);
    }
  }

  @Test
  void everyBadTokenClosesWith4403AndSaysWhy() {
    String projectId = createProject("refused");
    Map<String, String> expected = Map.of(
        "", "no token",
        RuntimeTestSupport.expired(), "expired",
        RuntimeTestSupport.badSignature(), "invalid token",
        RuntimeTestSupport.otherTenant(), "tenant",
        "not-a-jwt", "invalid token");
    expected.forEach((token, reason) -> {
      GraphQlWsClient.Run run = GraphQlWsClient.run(subscribe(projectId,
          token.isEmpty() ? null : Map.of("Authorization", "Bearer " + token), 1));
      assertThat(run.of("next")).as("no event for %s", reason).isEmpty();
      assertThat(run.closed()).as("token %s", reason).hasValueSatisfying(closed -> {
        assertThat(closed).startsWith("4403 ");
        assertThat(closed.toLowerCase()).contains(reason);
      });
    });
  }

  @Test
  void aSubscribeBeforeTheAcknowledgementClosesWith4401() {
    GraphQlWsClient.Run run = GraphQlWsClient.run(Map.of("url", url(), "mode", "raw",
        "send", List.of(Map.of("id", "1", "type", "subscribe", "payload", Map.of("query", "{ projects { items { id } } }")))));
    assertThat(run.closed()).hasValueSatisfying(closed -> assertThat(closed).startsWith("4401"));
  }

  @Test
  void theHandshakeHeaderAndAccessTokenStillWork() {
    String projectId = createProject("handshake");
    Map<String, Object> withHeader = subscribe(projectId, null, 1);
    withHeader.put("headers", Map.of("Authorization", "Bearer " + viewer()));
    assertThat(GraphQlWsClient.run(withHeader).of("next")).hasSize(1);

    Map<String, Object> inUrl = subscribe(projectId, null, 1);
    inUrl.put("url", url() + "?access_token=" + viewer());
    assertThat(GraphQlWsClient.run(inUrl).of("next")).hasSize(1);
  }

  @Test
  void accessTokenIsRefusedOnPlainRestRoutes() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/v1/projects?access_token=" + viewer())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("a token in a URL is not a credential for REST").isEqualTo(401);
  }

  @Test
  void aViewerMaySubscribeButNotMutateOverTheSocket() {
    String projectId = createProject("roles");
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    config.put("connectionParams", Map.of("Authorization", "Bearer " + viewer()));
    config.put("operations", List.of(
        Map.of("query", EVENTS, "variables", Map.of("p", projectId), "take", 1),
        Map.of("query", "mutation($n: String!) { createProject(name: $n) { id } }", "variables", Map.of("n", "nope"))));
    GraphQlWsClient.Run run = GraphQlWsClient.run(config);
    assertThat(run.of("next")).first().satisfies(e -> assertThat(e.path("op").asInt()).isZero());
    JsonNode refused = run.events().stream().filter(e -> e.path("op").asInt(-1) == 1).findFirst().orElseThrow();
    assertThat(refused.toString()).as("the mutation's answer").containsIgnoringCase("forbidden").doesNotContain("\"id\"");
  }

  @Test
  void theConnectionEndsWhenItsTokenExpires() {
    String projectId = createProject("expiring");
    String shortLived = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, RuntimeTestSupport.TENANT, "eve",
        List.of("viewer"), Instant.now(), Duration.ofSeconds(3));
    Map<String, Object> config = new HashMap<>();
    config.put("url", url());
    config.put("connectionParams", Map.of("Authorization", "Bearer " + shortLived));
    config.put("hold", Map.of("query", EVENTS, "variables", Map.of("p", projectId)));
    config.put("holdMs", 15000);
    GraphQlWsClient.Run run = GraphQlWsClient.run(config);
    assertThat(run.of("next")).as("it was subscribed").isNotEmpty();
    assertThat(run.closed()).hasValueSatisfying(closed -> assertThat(closed).startsWith("4403 token expired"));
  }
}
