package dev.tenantry.web;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Tells a WebSocket handshake from any other request (the one place a token may travel in a URL),
 * and makes close statuses whose reasons fit a close frame.
 */
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

  /** Matches the handshakes on {@code path}, for a security rule. */
  public static ServerWebExchangeMatcher on(String path) {
    return exchange -> isHandshake(exchange.getRequest(), path)
        ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
  }

  /** A close status whose reason fits the 123 bytes a close frame carries (cut, with "...", where longer). */
  public static CloseStatus closeStatus(int code, String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    // a character cut in half decodes to U+FFFD, which is dropped rather than grown to three bytes
    return new CloseStatus(code, bytes.length <= 123 ? reason
        : new String(bytes, 0, 120, StandardCharsets.UTF_8).replace("\uFFFD", "") + "...");
  }
}
