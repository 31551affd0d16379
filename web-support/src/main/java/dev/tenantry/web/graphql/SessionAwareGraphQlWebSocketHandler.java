package dev.tenantry.web.graphql;

import java.time.Duration;
import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.support.GraphQlWebSocketMessage;
import org.springframework.graphql.server.webflux.GraphQlWebSocketHandler;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;

/**
 * spring-graphql's graphql-transport-ws handler that leaves the WebSocket session among its own
 * attributes, so an interceptor can close it with the protocol's 4403 and a reason (spring-graphql
 * itself closes every refused {@code connection_init} with 4401 and no reason), or when the
 * caller's token expires; and the authentication of the handshake, if it carried a token, read
 * from the handshake's own context (the session's deferred principal did not always resolve).
 */
// as on the superclass: ahead-of-time processing (the runtime image) finds the inherited
// annotation and asks the subclass to carry it too
@RegisterReflectionForBinding(GraphQlWebSocketMessage.class)
public class SessionAwareGraphQlWebSocketHandler extends GraphQlWebSocketHandler {
  /** Attribute holding the {@link WebSocketSession} itself. */
  public static final String SESSION = SessionAwareGraphQlWebSocketHandler.class.getName() + ".session";
  /** Attribute holding the handshake's {@link org.springframework.security.core.Authentication}, if any. */
  public static final String HANDSHAKE_AUTHENTICATION =
      SessionAwareGraphQlWebSocketHandler.class.getName() + ".authentication";

  public SessionAwareGraphQlWebSocketHandler(WebGraphQlHandler graphQlHandler, CodecConfigurer codecConfigurer,
      Duration connectionInitTimeout, Duration keepAlive) {
    super(graphQlHandler, codecConfigurer, connectionInitTimeout, keepAlive);
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    session.getAttributes().put(SESSION, session);
    return ReactiveSecurityContextHolder.getContext()
        .mapNotNull(SecurityContext::getAuthentication)
        .doOnNext(authentication -> session.getAttributes().put(HANDSHAKE_AUTHENTICATION, authentication))
        .then(super.handle(session));
  }
}
