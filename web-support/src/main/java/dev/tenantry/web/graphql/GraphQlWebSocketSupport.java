package dev.tenantry.web.graphql;

import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.http.codec.ServerCodecConfigurer;

/**
 * Puts {@link SessionAwareGraphQlWebSocketHandler} in place of Spring Boot's GraphQL WebSocket
 * handler, with the same settings; an application imports it beside its
 * {@link ConnectionInitAuthentication}.
 */
@Configuration(proxyBeanMethods = false)
public class GraphQlWebSocketSupport {

  @Bean
  SessionAwareGraphQlWebSocketHandler graphQlWebSocketHandler(WebGraphQlHandler handler, ServerCodecConfigurer codecs,
      GraphQlProperties properties) {
    return new SessionAwareGraphQlWebSocketHandler(handler, codecs,
        properties.getWebsocket().getConnectionInitTimeout(), properties.getWebsocket().getKeepAlive());
  }
}
