package dev.tenantry.controlapi.security;

import dev.tenantry.web.graphql.ConnectionInitAuthentication;
import dev.tenantry.web.graphql.GraphQlWebSocketSupport;
import java.time.Clock;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * GraphQL over WebSocket ({@code tenantEvents}, {@code rolloutEvents}) authenticates the
 * graphql-transport-ws way: the admin token in {@code connection_init}'s payload, checked once
 * per connection, or the one the handshake carried; refusals close with 4403 and the reason.
 */
@Configuration(proxyBeanMethods = false)
@Import(GraphQlWebSocketSupport.class)
public class GraphQlSocketSecurity {

  @Bean
  ConnectionInitAuthentication connectionInitAuthentication(ReactiveJwtDecoder decoder,
      JwtAuthenticationConverter platformRoles) {
    return ConnectionInitAuthentication.jwt(decoder, platformRoles,
        Set.of(SecurityConfiguration.ADMIN, SecurityConfiguration.VIEWER), Clock.systemUTC());
  }
}
