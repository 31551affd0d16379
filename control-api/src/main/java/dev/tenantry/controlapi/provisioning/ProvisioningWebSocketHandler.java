package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.security.SecurityConfiguration;
import dev.tenantry.web.WebSocketHandshakes;
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
 * {@code /ws/provisioning[?tenant=<name>|?rollout=<name>][&resourceVersion=<rv>]}: a snapshot on
 * connect, then one message per status change: of every tenant and every rollout (wave progress,
 * {@code type: rollout}), or of the one named. With {@code resourceVersion} the snapshot of an
 * object already seen at that version is left out (a reconnecting client resumes). Closes with
 * 4404 for an unknown tenant or rollout and 4410 when the watched one is deleted; a client that does not
 * keep up is closed with 1013 and never delays the others. The caller's token (an
 * {@code Authorization} header, or {@code access_token} where a browser cannot set headers) is
 * checked here rather than by refusing the handshake, which a browser reports without a reason:
 * 4401 when it is missing or invalid, 4403 when it holds neither platform role.
 */
@Component
public class ProvisioningWebSocketHandler implements WebSocketHandler {
  public static final CloseStatus UNKNOWN_TENANT = new CloseStatus(4404, "tenant not found");
  public static final CloseStatus TENANT_DELETED = new CloseStatus(4410, "tenant deleted");
  public static final CloseStatus UNKNOWN_ROLLOUT = new CloseStatus(4404, "rollout not found");
  public static final CloseStatus ROLLOUT_DELETED = new CloseStatus(4410, "rollout deleted");
  public static final CloseStatus NO_TOKEN = new CloseStatus(4401, "a bearer token is required");
  public static final CloseStatus NOT_ALLOWED = new CloseStatus(4403, "this needs the platform-admin or platform-viewer role");
  public static final CloseStatus SLOW_CLIENT = new CloseStatus(1013, "slow client: reconnect with your last resourceVersion");

  private final ProvisioningFeed tenants;
  private final RolloutFeed rollouts;
  private final BackupFeed backups;
  private final RestoreFeed restores;
  private final JsonMapper json;
  private final ControlApiSettings settings;
  private final ReactiveJwtDecoder tokens;
  private final JwtAuthenticationConverter roles;

  public ProvisioningWebSocketHandler(ProvisioningFeed tenants, RolloutFeed rollouts, BackupFeed backups,
      RestoreFeed restores, JsonMapper json, ControlApiSettings settings, ReactiveJwtDecoder tokens,
      JwtAuthenticationConverter roles) {
    this.tenants = tenants;
    this.rollouts = rollouts;
    this.backups = backups;
    this.restores = restores;
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
    String rollout = params.getFirst("rollout");
    String resumeFrom = params.getFirst("resourceVersion");
    Runnable closeSlow = () -> session.close(SLOW_CLIENT).subscribe();
    Flux<Map<String, Object>> feed;
    CloseStatus ended;
    if (tenant != null) {
      if (!tenants.exists(tenant)) {
        return session.close(UNKNOWN_TENANT);
      }
      feed = one(tenants, tenant, closeSlow);
      ended = TENANT_DELETED;
    } else if (rollout != null) {
      if (!rollouts.exists(rollout)) {
        return session.close(UNKNOWN_ROLLOUT);
      }
      feed = one(rollouts, rollout, closeSlow);
      ended = ROLLOUT_DELETED;
    } else {
      feed = Flux.merge(tenants.follow(null, settings.subscriberBuffer(), closeSlow),
          rollouts.follow(null, settings.subscriberBuffer(), closeSlow),
          backups.follow(null, settings.subscriberBuffer(), closeSlow),
          restores.follow(null, settings.subscriberBuffer(), closeSlow));
      ended = null;
    }
    Flux<String> updates = feed
        // a reconnecting client already has the state it names
        .filter(message -> resumeFrom == null || !Objects.equals(resumeFrom, message.get("resourceVersion")))
        .map(json::writeValueAsString)
        // ends only when the watched tenant or rollout was deleted, after that message was handed over
        .concatWith(Mono.defer(() -> ended == null ? Mono.empty() : session.close(ended)).then(Mono.<String>empty()))
        .onErrorResume(ResourceFeed.TooSlow.class, closedAlready -> Flux.empty());
    Flux<String> heartbeats = Flux.interval(settings.heartbeat())
        .map(tick -> json.writeValueAsString(Map.of("type", "heartbeat", "at", Instant.now().toString())));
    return session.send(Flux.merge(updates, heartbeats).map(session::textMessage))
        .and(session.receive().then());
  }

  private Flux<Map<String, Object>> one(ResourceFeed<?> feed, String name, Runnable closeSlow) {
    return feed.follow(name, settings.subscriberBuffer(), closeSlow).takeUntil(feed::isDeletion);
  }

  /** 4401 with the verifier's reason, cut to the 123 bytes a close frame can carry. */
  static CloseStatus invalidToken(JwtException refused) {
    return WebSocketHandshakes.closeStatus(4401,
        "invalid token: " + refused.getMessage().replace("An error occurred while attempting to decode the Jwt: ", ""));
  }
}
