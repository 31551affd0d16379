package dev.tenantry.web;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Tells a WebSocket handshake from any other request (the one place a token may travel in a URL). */
public final class WebSocketHandshakes {
  private WebSocketHandshakes() {}

  /** A GET asking to upgrade to WebSocket: the request a browser cannot add headers to. */
  public static boolean isHandshake(ServerHttpRequest request) {
    return request.getMethod() == HttpMethod.GET
        && "websocket".equalsIgnoreCase(request.getHeaders().getFirst(HttpHeaders.UPGRADE));
  }

  /** A handshake on {@code path}. */
  public static boolean isHandshake(ServerHttpRequest request, String path) {
    return path.equals(request.getPath().pathWithinApplication().value()) && isHandshake(request);
  }
}
