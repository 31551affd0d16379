package dev.tenantry.e2e.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client (the JDK's) that keeps every JSON text message it receives, in order. */
final class Frames implements WebSocket.Listener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final List<JsonNode> seen = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile String closed;
  private WebSocket socket;

  static Frames open(HttpClient http, URI uri, String token, String subprotocol) {
    Frames frames = new Frames();
    var builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token);
    if (subprotocol != null) {
      builder.subprotocols(subprotocol);
    }
    frames.socket = builder.buildAsync(uri, frames).join();
    return frames;
  }

  void send(String json) {
    socket.sendText(json, true).join();
  }

  /** The first message (from now on) that matches, or an AssertionError naming what arrived. */
  JsonNode await(Predicate<JsonNode> wanted, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode next = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        throw new AssertionError("no " + what + " within " + timeout + (closed == null ? "" : "; closed: " + closed)
            + "; last messages: " + seen.subList(Math.max(0, seen.size() - 5), seen.size()));
      }
      seen.add(next);
      if (wanted.test(next)) {
        return next;
      }
    }
  }

  List<JsonNode> seen() {
    return seen;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(JSON.readTree(partial.toString()));
      } catch (Exception e) {
        messages.add(JSON.createObjectNode().put("unparsable", partial.toString()));
      }
      partial.setLength(0);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed = statusCode + " " + reason;
    return null;
  }

  @Override
  public void close() {
    if (closed == null) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
    }
  }
}
