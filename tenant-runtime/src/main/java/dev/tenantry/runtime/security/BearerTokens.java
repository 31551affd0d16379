package dev.tenantry.runtime.security;

import dev.tenantry.web.WebSocketHandshakes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds a request's bearer token as Spring Security's own converter does (the
 * {@code Authorization} header, or {@code access_token} on a WebSocket handshake only, where a
 * browser cannot set headers: a token in any other URL ends up in logs and histories; never both;
 * RFC 6750 characters only), but checks the characters with a loop: its regular expression over
 * the whole token was about 5% of a REST read's CPU.
 */
final class BearerTokens implements ServerAuthenticationConverter {
  private static final String PREFIX = "Bearer ";

  @Override
  public Mono<Authentication> convert(ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    String fromHeader = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        ? header.substring(PREFIX.length()) : null;
    String fromQuery = WebSocketHandshakes.isHandshake(request) ? request.getQueryParams().getFirst("access_token") : null;
    if (fromHeader != null && fromQuery != null) {
      return Mono.error(new OAuth2AuthenticationException(BearerTokenErrors.invalidRequest("Found multiple bearer tokens in the request")));
    }
    String token = fromHeader != null ? fromHeader : fromQuery;
    if (token == null) {
      return Mono.empty();
    }
    if (!wellFormed(token)) {
      return Mono.error(new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed")));
    }
    return Mono.just(new BearerTokenAuthenticationToken(token));
  }

  /** RFC 6750's b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
  static boolean wellFormed(String token) {
    int end = token.length();
    while (end > 0 && token.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = token.charAt(i);
      boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
