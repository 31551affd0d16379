package dev.tenantry.runtime.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of {@code /ws/events} for tests: the JDK's WebSocket client, JSON messages in and out. */
public final class EventSocket {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private EventSocket() {}

  /**
   * Sends {@code outgoing} and collects incoming messages (heartbeats left out) until
   * {@code enough} arrived; {@code whileConnected} runs once the server confirms a
   * subscription. Fails naming what did arrive when the rest does not come within 20 s.
   */
  public static List<JsonNode> converse(int port, String token, List<String> outgoing, int enough,
      Runnable whileConnected) {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(enough);
    StringBuilder partial = new StringBuilder();
    try {
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .header("Authorization", "Bearer " + token)
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/events"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              partial.append(data);
              if (last) {
                JsonNode message = JSON.readTree(partial.toString());
                partial.setLength(0);
                String type = message.path("type").asString();
                if (!"heartbeat".equals(type)) {
                  received.add(message);
                  done.countDown();
                }
                if ("subscribed".equals(type) && whileConnected != null) {
                  new Thread(whileConnected).start();
                }
              }
              ws.request(1);
              return null;
            }
          })
          .get(10, TimeUnit.SECONDS);
      for (String message : outgoing) {
        socket.sendText(message, true).get(10, TimeUnit.SECONDS);
      }
      assertThat(done.await(20, TimeUnit.SECONDS)).as("%d messages arrived, got %s", enough, received).isTrue();
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return List.copyOf(received);
  }
}
