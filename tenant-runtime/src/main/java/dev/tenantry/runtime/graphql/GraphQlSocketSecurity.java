package dev.tenantry.runtime.graphql;

import dev.tenantry.runtime.security.Roles;
import dev.tenantry.web.graphql.ConnectionInitAuthentication;
import dev.tenantry.web.graphql.GraphQlWebSocketSupport;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * GraphQL over WebSocket authenticates the graphql-transport-ws way: the token in
 * {@code connection_init}'s payload, checked once per connection with this tenant's rules, or
 * the one the handshake carried. Refusals close with 4403 and the reason.
 */
@Configuration(proxyBeanMethods = false)
@Import(GraphQlWebSocketSupport.class)
public class GraphQlSocketSecurity {
  @Bean
  ConnectionInitAuthentication connectionInitAuthentication(ReactiveJwtDecoder decoder,
      JwtAuthenticationConverter tenantRoles) {
    return ConnectionInitAuthentication.jwt(decoder, tenantRoles, Roles.ALL, Clock.systemUTC());
  }
}
