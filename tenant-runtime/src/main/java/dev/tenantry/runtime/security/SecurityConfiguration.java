package dev.tenantry.runtime.security;

import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.web.WebSocketHandshakes;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every API needs a bearer token of this tenant: {@code /admin} (the event log, for backups)
 * takes the platform's backup role and no tenant role does; reading takes any tenant role, writing over
 * REST takes tenant-admin or member (GraphQL mutations check the same per field). Refusals are
 * problem+json. WebSocket clients, which cannot set headers in browsers, may pass the token
 * as {@code access_token} on the handshake; GraphQL's WebSocket takes it in {@code connection_init}
 * instead (graphql-transport-ws), so its handshake needs none.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
public class SecurityConfiguration {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Bean
  ReactiveJwtDecoder reactiveJwtDecoder(TenantTokens tokens, RuntimeSettings settings) {
    if (settings.remoteJwks()) {
      // verification may fetch the remote JWKS: keep it off the event loop
      return token -> Mono.fromCallable(() -> tokens.verify(token)).subscribeOn(Schedulers.boundedElastic());
    }
    // a local JWKS: verification is computation only (and remembered per token)
    return token -> Mono.fromCallable(() -> tokens.verify(token));
  }

  /**
   * Spring Security would wrap every filter, the authentication and the authorization of each
   * request in observations of their own: measured at about a fifth of a REST read's CPU. The
   * request itself stays observed (metrics and traces of {@code http.server.requests}).
   */
  @Bean
  static SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  /** A token's {@code roles} claim as authorities, for every protocol. */
  @Bean
  JwtAuthenticationConverter tenantRoles() {
    JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
    roles.setAuthoritiesClaimName(TenantTokens.ROLES_CLAIM);
    roles.setAuthorityPrefix("");
    JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
    authentication.setJwtGrantedAuthoritiesConverter(roles);
    return authentication;
  }

  @Bean
  SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
      JwtAuthenticationConverter authentication, GraphQlProperties graphQl) {
    String graphQlSocket = graphQl.getWebsocket().getPath();
    String[] all = Roles.ALL.toArray(String[]::new);
    String[] writers = Roles.WRITERS.toArray(String[]::new);
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // stateless bearer-token APIs: no WebSession per request for a saved request or a context
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers("/actuator/**", "/api/v1/openapi.json").permitAll()
            // the token comes in connection_init (or on the handshake, checked when it does)
            .matchers(WebSocketHandshakes.on(graphQlSocket)).permitAll()
            .pathMatchers("/admin/**").hasAuthority(Roles.PLATFORM_BACKUP)
            .pathMatchers(HttpMethod.GET, "/api/**").hasAnyAuthority(all)
            .pathMatchers(HttpMethod.HEAD, "/api/**").hasAnyAuthority(all)
            .pathMatchers("/api/**").hasAnyAuthority(writers)
            .anyExchange().hasAnyAuthority(all))
        .oauth2ResourceServer(server -> server
            .bearerTokenConverter(new BearerTokens())
            .jwt(jwt -> jwt.jwtDecoder(decoder)
                .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(authentication)))
            .authenticationEntryPoint((exchange, e) -> problem(exchange, HttpStatus.UNAUTHORIZED,
                "Unauthorized", e.getCause() instanceof JwtException jwt ? jwt.getMessage() : e.getMessage()))
            .accessDeniedHandler((exchange, e) -> problem(exchange, HttpStatus.FORBIDDEN, "Forbidden",
                exchange.getRequest().getPath().value().startsWith("/admin/")
                    ? "the platform's " + Roles.PLATFORM_BACKUP + " role is needed here"
                    : "your token's roles do not allow this; writing needs " + List.of(writers))))
        .build();
  }

  static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (status == HttpStatus.UNAUTHORIZED) {
      response.getHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      // a caller without a valid token keeps no connection: the request is refused before its
      // body is read, and a connection left in that state once lost the next request on it
      // (EventLogBackupTest, about once in 50 runs)
      response.getHeaders().set(HttpHeaders.CONNECTION, "close");
    }
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", title);
    problem.put("status", status.value());
    problem.put("detail", detail);
    problem.put("instance", exchange.getRequest().getPath().value());
    DataBuffer buffer = response.bufferFactory().wrap(JSON.writeValueAsBytes(problem));
    return response.writeWith(Mono.just(buffer));
  }
}
