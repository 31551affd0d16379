package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.security.SecurityConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/provisioning[?tenant=<name>][&resourceVersion=<rv>]}: a snapshot on connect,
 * then one message per status change. With {@code resourceVersion} the snapshot of a tenant
 * already seen at that version is left out (a reconnecting client resumes). Closes with 4404
 * for an unknown tenant and 4410 when the watched tenant is deleted; a client that does not
 * keep up is closed with 1013 and never delays the others. The caller's token (an
 * {@code Authorization} header, or {@code access_token} where a browser cannot set headers) is
 * checked here rather than by refusing the handshake, which a browser reports without a reason:
 * 4401 when it is missing or invalid, 4403 when it holds neither platform role.
 */
@Component
public class ProvisioningWebSocketHandler implements WebSocketHandler {
  public static final CloseStatus UNKNOWN_TENANT = new CloseStatus(4404, "tenant not found");
  public static final CloseStatus TENANT_DELETED = new CloseStatus(4410, "tenant deleted");
  public static final CloseStatus NO_TOKEN = new CloseStatus(4401, "a bearer token is required");
  public static final CloseStatus NOT_ALLOWED = new CloseStatus(4403, "this needs the platform-admin or platform-viewer role");
  public static final CloseStatus SLOW_CLIENT = new CloseStatus(1013, "slow client: reconnect with your last resourceVersion");

  private final ProvisioningFeed feed;
  private final JsonMapper json;
  private final ControlApiSettings settings;
  private final ReactiveJwtDecoder tokens;
  private final JwtAuthenticationConverter roles;

  public ProvisioningWebSocketHandler(ProvisioningFeed feed, JsonMapper json, ControlApiSettings settings,
      ReactiveJwtDecoder tokens, JwtAuthenticationConverter roles) {
    this.feed = feed;
    this.json = json;
    this.settings = settings;
    this.tokens = tokens;
    this.roles = roles;
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    var params = UriComponentsBuilder.fromUri(session.getHandshakeInfo().getUri()).build().getQueryParams();
    String header = session.getHandshakeInfo().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
        : params.getFirst("access_token") == null ? null : UriUtils.decode(params.getFirst("access_token"), StandardCharsets.UTF_8);
    if (token == null || token.isEmpty()) {
      return session.close(NO_TOKEN);
    }
    return tokens.decode(token).map(roles::convert)
        .flatMap(caller -> caller.getAuthorities().stream().map(GrantedAuthority::getAuthority)
            .anyMatch(role -> SecurityConfiguration.ADMIN.equals(role) || SecurityConfiguration.VIEWER.equals(role))
            ? stream(session, params) : session.close(NOT_ALLOWED))
        .onErrorResume(JwtException.class, refused -> session.close(invalidToken(refused)));
  }

  private Mono<Void> stream(WebSocketSession session, MultiValueMap<String, String> params) {
    String tenant = params.getFirst("tenant");
    String resumeFrom = params.getFirst("resourceVersion");
    if (tenant != null && !feed.exists(tenant)) {
      return session.close(UNKNOWN_TENANT);
    }
    Flux<String> updates = feed.follow(tenant, settings.subscriberBuffer(), () -> session.close(SLOW_CLIENT).subscribe())
        // a reconnecting client already has the state it names
        .filter(message -> resumeFrom == null || !Objects.equals(resumeFrom, message.get("resourceVersion")))
        .takeUntil(message -> tenant != null && "deleted".equals(message.get("type")))
        .map(json::writeValueAsString)
        // ends only when the watched tenant was deleted, after that message was handed over
        .concatWith(Mono.defer(() -> session.close(TENANT_DELETED)).then(Mono.<String>empty()))
        .onErrorResume(ProvisioningFeed.TooSlow.class, closedAlready -> Flux.empty());
    Flux<String> heartbeats = Flux.interval(settings.heartbeat())
        .map(tick -> json.writeValueAsString(Map.of("type", "heartbeat", "at", Instant.now().toString())));
    return session.send(Flux.merge(updates, heartbeats).map(session::textMessage))
        .and(session.receive().then());
  }

  /** 4401 with the verifier's reason, cut to the 123 bytes a close frame can carry. */
  static CloseStatus invalidToken(JwtException refused) {
    String reason = "invalid token: " + refused.getMessage().replace("An error occurred while attempting to decode the Jwt: ", "");
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    return new CloseStatus(4401, bytes.length <= 123 ? reason : new String(bytes, 0, 120, StandardCharsets.UTF_8) + "...");
  }
}
