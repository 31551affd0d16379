package dev.tenantry.controlapi.security;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.web.WebSocketHandshakes;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoders;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admins reach the control API with JWTs: from an external OIDC issuer when configured,
 * otherwise signed by the platform key. {@code platform-admin} may do everything,
 * {@code platform-viewer} reads and subscribes. The JWKS, the console's static files and the
 * management endpoints are public. A token travels in a URL ({@code access_token}) only on a
 * WebSocket handshake, where a browser cannot set headers; GraphQL's WebSocket takes it in
 * {@code connection_init} instead ({@link GraphQlSocketSecurity}), so its handshake needs none.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
public class SecurityConfiguration {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  public static final String ADMIN = "platform-admin";
  public static final String VIEWER = "platform-viewer";
  public static final String PROVISIONING_SOCKET = "/ws/provisioning";

  @Bean
  ReactiveJwtDecoder reactiveJwtDecoder(ControlApiSettings settings, PlatformKeys keys) {
    if (!settings.embeddedIssuer()) {
      return ReactiveJwtDecoders.fromIssuerLocation(settings.oidcIssuer());
    }
    var publicKey = keys.signingKey().toPublicJWK();
    NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.just(publicKey))
        .jwsAlgorithm(SignatureAlgorithm.ES256).build();
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(PlatformKeys.ISSUER)));
    return decoder;
  }

  /** A token's {@code roles} claim as authorities, for the HTTP API and the provisioning socket alike. */
  @Bean
  JwtAuthenticationConverter platformRoles() {
    JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
    roles.setAuthoritiesClaimName(TenantryApi.TOKEN_ROLES_CLAIM);
    roles.setAuthorityPrefix("");
    JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
    authentication.setJwtGrantedAuthoritiesConverter(roles);
    return authentication;
  }

  @Bean
  SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
      JwtAuthenticationConverter authentication, GraphQlProperties graphQl) {
    ServerBearerTokenAuthenticationConverter headerOnly = new ServerBearerTokenAuthenticationConverter();
    ServerBearerTokenAuthenticationConverter orUrl = new ServerBearerTokenAuthenticationConverter();
    orUrl.setAllowUriQueryParameter(true);
    String graphQlSocket = graphQl.getWebsocket().getPath();
    // the provisioning socket checks its own token, so a refused browser learns why from the close reason
    ServerAuthenticationConverter bearer = exchange -> PROVISIONING_SOCKET.equals(exchange.getRequest().getPath().value())
        ? Mono.empty()
        : WebSocketHandshakes.isHandshake(exchange.getRequest()) ? orUrl.convert(exchange) : headerOnly.convert(exchange);
    return http
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        // stateless bearer tokens: no WebSession per request for a saved request or a security
        // context (with one, about one WebSocket in thirty lost the first frame its client sent
        // right after the handshake, graphql-transport-ws's connection_init: never acknowledged)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        .authorizeExchange(exchanges -> exchanges
            .pathMatchers("/", "/index.html", "/console.js", "/console.css", "/favicon.ico",
                "/.well-known/jwks.json", "/api/v1/openapi.json", "/actuator/**", PROVISIONING_SOCKET).permitAll()
            // the token comes in connection_init (or on the handshake, checked when it does)
            .matchers(WebSocketHandshakes.on(graphQlSocket)).permitAll()
            .pathMatchers(HttpMethod.GET, "/api/**").hasAnyAuthority(ADMIN, VIEWER)
            .pathMatchers("/api/**").hasAuthority(ADMIN)
            .anyExchange().hasAnyAuthority(ADMIN, VIEWER))
        .oauth2ResourceServer(server -> server
            .bearerTokenConverter(bearer)
            .jwt(jwt -> jwt.jwtDecoder(decoder)
                .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(authentication)))
            .authenticationEntryPoint((exchange, e) -> problem(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized",
                e.getMessage()))
            .accessDeniedHandler((exchange, e) -> problem(exchange, HttpStatus.FORBIDDEN, "Forbidden",
                "this needs the " + ADMIN + " role")))
        .build();
  }

  static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
    var response = exchange.getResponse();
    response.setStatusCode(status);
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", title);
    problem.put("status", status.value());
    problem.put("detail", detail);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(JSON.writeValueAsBytes(problem))));
  }
}
