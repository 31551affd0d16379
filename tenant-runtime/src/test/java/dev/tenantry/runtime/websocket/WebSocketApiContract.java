package dev.tenantry.runtime.websocket;

import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code /ws/events} with WebSocket clients (the JDK's, and Reactor Netty's for the handshake):
 * subscribe, resume, heartbeats, bad frames.
 */
public abstract class WebSocketApiContract {
  @LocalServerPort
  int port;

  String createProject(String name) {
    return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().post().uri("/api/v1/projects")
        .headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", name)).exchange().expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
  }

  void createTask(String projectId, String title) {
    WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build().post()
        .uri("/api/v1/projects/" + projectId + "/tasks")
        .headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("title", title)).exchange().expectStatus().isCreated();
  }

  List<JsonNode> converse(String token, List<String> outgoing, int enough, Runnable whileConnected) {
    return EventSocket.converse(port, token, outgoing, enough, whileConnected);
  }

  @Test
  void aSubscriberGetsHistoryThenLiveEventsInOrder() {
    String projectId = createProject("Socket");
    createTask(projectId, "first");
    List<JsonNode> messages = converse(viewer(),
        List.of("{\"type\":\"subscribe\",\"projectId\":\"" + projectId + "\",\"since\":0}"), 4,
        () -> createTask(projectId, "live"));
    assertThat(messages.get(0).path("type").asString()).isEqualTo("subscribed");
    List<JsonNode> events = messages.subList(1, 4);
    assertThat(events).allSatisfy(e -> assertThat(e.path("type").asString()).isEqualTo("event"));
    assertThat(events).extracting(e -> e.path("event").path("type").asString())
        .containsExactly("ProjectCreated", "TaskCreated", "TaskCreated");
    assertThat(events.get(2).path("event").path("payload").path("title").asString()).isEqualTo("live");
    long first = events.get(0).path("sequence").asLong();
    assertThat(events).extracting(e -> e.path("sequence").asLong()).isSorted().doesNotHaveDuplicates();

    // resuming after the first event delivers exactly the rest
    List<JsonNode> resumed = converse(viewer(),
        List.of("{\"type\":\"subscribe\",\"projectId\":\"" + projectId + "\",\"since\":" + first + "}"), 3, null);
    assertThat(resumed.subList(1, 3)).extracting(e -> e.path("sequence").asLong())
        .containsExactly(events.get(1).path("sequence").asLong(), events.get(2).path("sequence").asLong());
  }

  @Test
  void badMessagesGetAnErrorAndTheSessionGoesOn() {
    List<JsonNode> messages = converse(viewer(), List.of("this is not json", "{\"type\":\"dance\"}",
        "{\"type\":\"subscribe\",\"projectId\":\"nope\"}", "{\"type\":\"subscribe\",\"since\":-4}",
        "{\"type\":\"subscribe\",\"projectid\":\"" + UUID.randomUUID() + "\"}",
        "{\"type\":\"subscribe\",\"since\":1.5}",
        "{\"type\":\"ping\"}"), 7, null);
    assertThat(messages).extracting(m -> m.path("type").asString())
        .containsExactly("error", "error", "error", "error", "error", "error", "pong");
    assertThat(messages.get(0).path("message").asString()).startsWith("not JSON");
    assertThat(messages.get(1).path("message").asString()).contains("unknown type 'dance'");
    assertThat(messages.get(2).path("message").asString()).contains("projectId must be a UUID");
    assertThat(messages.get(4).path("message").asString())
        .isEqualTo("unknown field 'projectid' in subscribe; known fields: projectId, since, type");
    assertThat(messages.get(5).path("message").asString()).contains("since must be a sequence number");
  }

  @Test
  void binaryFramesCloseTheSocketWithAReason() throws Exception {
    // the JDK's own WebSocket client: reports the server's close code and reason as sent
    java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
    java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + viewer())
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/events"), new java.net.http.WebSocket.Listener() {
          @Override
          public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
          }

          @Override
          public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
          }
        })
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
    assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .startsWith("1003 ").contains("binary frames are not supported");
  }

  @Test
  void theHandshakeNeedsAToken() {
    assertThatThrownBy(() -> new ReactorNettyWebSocketClient()
            .execute(URI.create("ws://127.0.0.1:" + port + "/ws/events"), session -> session.receive().then())
            .block(Duration.ofSeconds(10)))
        .hasMessageContaining("401");
  }
}
