package dev.tenantry.web.graphql;

import dev.tenantry.web.WebSocketHandshakes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Authenticates a graphql-transport-ws connection once, the protocol's way: the bearer token in
 * {@code connection_init}'s payload ({@code Authorization} or {@code authorization}, with or
 * without {@code Bearer }), or else the one its handshake carried (header or {@code access_token}).
 * Every operation of the connection then runs as that caller, so roles apply per operation as
 * over HTTP. A missing, invalid, expired or not-allowed token closes the socket with 4403 and a
 * reason that says which; the connection is closed the same way when the token expires.
 * (A subscribe before the acknowledgement is closed with 4401 by spring-graphql itself.)
 */
public class ConnectionInitAuthentication implements WebSocketGraphQlInterceptor {
  /** graphql-transport-ws: the server refuses the connection. */
  public static final int FORBIDDEN = 4403;
  private static final String AUTHENTICATION = ConnectionInitAuthentication.class.getName() + ".authentication";
  private static final String EXPIRY = ConnectionInitAuthentication.class.getName() + ".expiry";
  private static final String BEARER = "bearer ";

  private final ReactiveAuthenticationManager tokens;
  private final Predicate<Authentication> allowed;
  private final String allowedDescription;
  private final Clock clock;

  /**
   * @param tokens checks a {@link BearerTokenAuthenticationToken} (e.g. Spring Security's
   *     {@code JwtReactiveAuthenticationManager} over the application's decoder)
   * @param allowed whether an authenticated caller may use the API at all (e.g. holds a role)
   * @param allowedDescription what {@code allowed} asks, for the close reason
   */
  public ConnectionInitAuthentication(ReactiveAuthenticationManager tokens, Predicate<Authentication> allowed,
      String allowedDescription, Clock clock) {
    this.tokens = tokens;
    this.allowed = allowed;
    this.allowedDescription = allowedDescription;
    this.clock = clock;
  }

  /**
   * For JWT bearer tokens: verified by {@code decoder}, made an authentication by {@code roles}
   * (the application's own converter), allowed with any one of {@code anyOf}.
   */
  public static ConnectionInitAuthentication jwt(ReactiveJwtDecoder decoder, JwtAuthenticationConverter roles,
      Set<String> anyOf, Clock clock) {
    JwtReactiveAuthenticationManager tokens = new JwtReactiveAuthenticationManager(decoder);
    tokens.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(roles));
    return new ConnectionInitAuthentication(tokens,
        caller -> caller.getAuthorities().stream().anyMatch(a -> anyOf.contains(a.getAuthority())),
        "it carries none of the roles " + new java.util.TreeSet<>(anyOf), clock);
  }

  @Override
  public Mono<Object> handleConnectionInitialization(WebSocketSessionInfo info, Map<String, Object> payload) {
    String token = bearerToken(payload);
    Mono<Authentication> caller = token != null
        ? tokens.authenticate(new BearerTokenAuthenticationToken(token))
        : Mono.justOrEmpty(info.getAttributes().get(SessionAwareGraphQlWebSocketHandler.HANDSHAKE_AUTHENTICATION))
            .ofType(Authentication.class);
    return caller
        .switchIfEmpty(Mono.error(new Refused("no token: send it in connection_init's payload as Authorization")))
        .flatMap(authentication -> {
          if (!authentication.isAuthenticated() || !allowed.test(authentication)) {
            return Mono.error(new Refused("token refused: " + allowedDescription));
          }
          info.getAttributes().put(AUTHENTICATION, authentication);
          closeOnExpiry(info, authentication);
          return Mono.empty();
        })
        .onErrorResume(AuthenticationException.class, e -> refuse(info, "invalid token: " + e.getMessage()))
        .onErrorResume(Refused.class, e -> refuse(info, e.getMessage()));
  }

  /** Every operation of an authenticated connection runs as its caller. */
  @Override
  public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, WebGraphQlInterceptor.Chain chain) {
    if (request instanceof WebSocketGraphQlRequest socket
        && socket.getSessionInfo().getAttributes().get(AUTHENTICATION) instanceof Authentication caller) {
      return chain.next(request).contextWrite(ReactiveSecurityContextHolder.withAuthentication(caller));
    }
    return chain.next(request);
  }

  @Override
  public void handleConnectionClosed(WebSocketSessionInfo info, int status, Map<String, Object> payload) {
    if (info.getAttributes().remove(EXPIRY) instanceof Disposable expiry) {
      expiry.dispose();
    }
  }

  /** The token of {@code connection_init}'s payload, with or without its "Bearer " prefix. */
  static String bearerToken(Map<String, Object> payload) {
    if (payload == null) {
      return null;
    }
    Object value = payload.get("Authorization");
    if (value == null) {
      value = payload.get("authorization");
    }
    if (!(value instanceof String text) || text.isBlank()) {
      return null;
    }
    String trimmed = text.trim();
    return trimmed.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? trimmed.substring(BEARER.length()).trim()
        : trimmed;
  }

  private void closeOnExpiry(WebSocketSessionInfo info, Authentication authentication) {
    if (!(authentication instanceof JwtAuthenticationToken jwt) || jwt.getToken().getExpiresAt() == null) {
      return;
    }
    Instant expires = jwt.getToken().getExpiresAt();
    Duration left = Duration.between(clock.instant(), expires);
    // the close runs on its own: disposing the timer when the connection ends must not cancel a
    // close frame already being written (Netty then drops the connection without one: 1006)
    Disposable expiry = Mono.delay(left.isNegative() ? Duration.ZERO : left)
        .subscribe(tick -> session(info).close(status("token expired at " + expires)).subscribe());
    info.getAttributes().put(EXPIRY, expiry);
  }

  /**
   * Closes with 4403 and the reason, and never answers the {@code connection_init}: an error would
   * make spring-graphql close the same socket again with its own 4401, racing this close frame.
   */
  private Mono<Object> refuse(WebSocketSessionInfo info, String reason) {
    return session(info).close(status(reason)).then(Mono.never());
  }

  private static WebSocketSession session(WebSocketSessionInfo info) {
    Object session = info.getAttributes().get(SessionAwareGraphQlWebSocketHandler.SESSION);
    if (!(session instanceof WebSocketSession webSocket)) {
      throw new IllegalStateException("the GraphQL WebSocket handler must be a SessionAwareGraphQlWebSocketHandler");
    }
    return webSocket;
  }

  static CloseStatus status(String reason) {
    return WebSocketHandshakes.closeStatus(FORBIDDEN, reason);
  }

  /** A connection this interceptor refuses; the message is the close reason. */
  static final class Refused extends RuntimeException {
    Refused(String reason) {
      super(reason, null, false, false);
    }
  }
}
