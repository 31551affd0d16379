package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.ControlApiSettings;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/provisioning[?tenant=<name>][&resourceVersion=<rv>]}: a snapshot on connect,
 * then one message per status change. With {@code resourceVersion} the snapshot of a tenant
 * already seen at that version is left out (a reconnecting client resumes). Closes with 4404
 * for an unknown tenant and 4410 when the watched tenant is deleted; a client that does not
 * keep up is closed with 1013 and never delays the others.
 */
@Component
public class ProvisioningWebSocketHandler implements WebSocketHandler {
  public static final CloseStatus UNKNOWN_TENANT = new CloseStatus(4404, "tenant not found");
  public static final CloseStatus TENANT_DELETED = new CloseStatus(4410, "tenant deleted");
  public static final CloseStatus SLOW_CLIENT = new CloseStatus(1013, "slow client: reconnect with your last resourceVersion");

  private final ProvisioningFeed feed;
  private final JsonMapper json;
  private final ControlApiSettings settings;

  public ProvisioningWebSocketHandler(ProvisioningFeed feed, JsonMapper json, ControlApiSettings settings) {
    this.feed = feed;
    this.json = json;
    this.settings = settings;
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    URI uri = session.getHandshakeInfo().getUri();
    var params = UriComponentsBuilder.fromUri(uri).build().getQueryParams();
    String tenant = params.getFirst("tenant");
    String resumeFrom = params.getFirst("resourceVersion");
    if (tenant != null && !feed.exists(tenant)) {
      return session.close(UNKNOWN_TENANT);
    }
    Sinks.Many<String> outbound = Sinks.many().unicast()
        .onBackpressureBuffer(Queues.<String>get(settings.subscriberBuffer()).get());
    // live changes first, then the snapshot: nothing falls between the two
    Disposable live = feed.changes(tenant).subscribe(message -> {
      if (!offer(outbound, json.writeValueAsString(message))) {
        session.close(SLOW_CLIENT).subscribe();
      }
      if (tenant != null && "deleted".equals(message.get("type"))) {
        session.close(TENANT_DELETED).subscribe();
      }
    });
    List<Map<String, Object>> snapshot = feed.snapshot(tenant);
    for (Map<String, Object> message : snapshot) {
      if (resumeFrom == null || !Objects.equals(resumeFrom, message.get("resourceVersion"))) {
        offer(outbound, json.writeValueAsString(message));
      }
    }
    Flux<String> heartbeats = Flux.interval(settings.heartbeat())
        .map(tick -> json.writeValueAsString(Map.of("type", "heartbeat", "at", Instant.now().toString())));
    return session.send(Flux.merge(outbound.asFlux(), heartbeats).map(session::textMessage))
        .and(session.receive().then())
        .doFinally(signal -> live.dispose());
  }

  private static boolean offer(Sinks.Many<String> outbound, String text) {
    synchronized (outbound) {
      return outbound.tryEmitNext(text).isSuccess();
    }
  }
}
