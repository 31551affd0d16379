package dev.tenantry.runtime.websocket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.usage.ActivityClock;
import dev.tenantry.runtime.events.EventView;
import dev.tenantry.runtime.store.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /ws/events}: a client subscribes per project (or to everything) from a sequence
 * number and receives each event once, in order, plus heartbeats. A bad message gets an
 * {@code error} message and changes nothing; a binary frame closes with 1003; a client that
 * does not keep up is closed with 1013 and a reason, never slowing the others.
 */
@Component
public class EventsWebSocketHandler implements WebSocketHandler {
  /** The fields each client message may carry; any other is refused, never ignored. */
  private static final Map<String, Set<String>> MESSAGE_FIELDS = Map.of(
      "subscribe", Set.of("type", "projectId", "since"),
      "unsubscribe", Set.of("type", "projectId"),
      "ping", Set.of("type"));
  public static final CloseStatus SLOW_CONSUMER = new CloseStatus(1013, "slow consumer: resume from your last sequence");
  static final String ALL_PROJECTS = "*";

  private final EventBus bus;
  private final JsonMapper json;
  private final RuntimeSettings settings;
  private final AtomicInteger sessions = new AtomicInteger();
  /**
   * Each event's message, written once for all its subscribers (a thousand sockets on one
   * project used to cost a thousand serializations of the same event), kept for the recent ones.
   */
  private final Cache<Long, String> envelopes = Caffeine.newBuilder().maximumSize(4096).build();
  private final Counter sent;
  private final ActivityClock activity;

  public EventsWebSocketHandler(EventBus bus, JsonMapper json, RuntimeSettings settings, MeterRegistry registry,
      ActivityClock activity) {
    this.bus = bus;
    this.activity = activity;
    this.json = json;
    this.settings = settings;
    registry.gauge("tenantry.websocket.sessions", sessions);
    this.sent = Counter.builder("tenantry.websocket.messages.sent").register(registry);
  }

  @Override
  public Mono<Void> handle(WebSocketSession session) {
    sessions.incrementAndGet();
    Sinks.Many<String> outbound = Sinks.many().unicast()
        .onBackpressureBuffer(Queues.<String>get(settings.subscriberBuffer()).get());
    Map<String, Disposable> subscriptions = new ConcurrentHashMap<>();

    Mono<Void> input = session.receive()
        .doOnNext(message -> activity.record())
        .concatMap(message -> handleMessage(session, message, outbound, subscriptions))
        .then();
    Flux<String> heartbeats = Flux.interval(settings.heartbeat())
        .map(tick -> write(Map.of("type", "heartbeat", "sequence", bus.lastPublished(), "at", Instant.now().toString())));
    Mono<Void> output = session.send(Flux.merge(outbound.asFlux(), heartbeats)
        .doOnNext(text -> sent.increment())
        .map(session::textMessage));
    return Mono.firstWithSignal(input, output)
        .doFinally(signal -> {
          subscriptions.values().forEach(Disposable::dispose);
          sessions.decrementAndGet();
        });
  }

  private Mono<Void> handleMessage(WebSocketSession session, WebSocketMessage message, Sinks.Many<String> outbound,
      Map<String, Disposable> subscriptions) {
    if (message.getType() == WebSocketMessage.Type.BINARY) {
      return session.close(new CloseStatus(1003, "binary frames are not supported; send JSON text"));
    }
    if (message.getType() != WebSocketMessage.Type.TEXT) {
      return Mono.empty();
    }
    JsonNode request;
    try {
      request = json.readTree(message.getPayloadAsText());
    } catch (JacksonException e) {
      return reply(session, outbound, error("bad_message", "not JSON: " + e.getOriginalMessage()));
    }
    String type = request.path("type").asString("");
    String unknown = unknownField(type, request);
    if (unknown != null) {
      return reply(session, outbound, error("bad_message", "unknown field '" + unknown + "' in " + type
          + "; known fields: " + String.join(", ", new TreeSet<>(MESSAGE_FIELDS.get(type)))));
    }
    return switch (type) {
      case "subscribe" -> subscribe(session, request, outbound, subscriptions);
      case "unsubscribe" -> {
        String key = projectKey(request);
        if (key == null) {
          yield reply(session, outbound, error("bad_message", "projectId must be a UUID"));
        }
        Disposable subscription = subscriptions.remove(key);
        if (subscription != null) {
          subscription.dispose();
        }
        yield reply(session, outbound, Map.of("type", "unsubscribed", "projectId", key));
      }
      case "ping" -> reply(session, outbound, Map.of("type", "pong", "sequence", bus.lastPublished()));
      default -> reply(session, outbound,
          error("bad_message", "unknown type '" + type + "'; use subscribe, unsubscribe or ping"));
    };
  }

  private Mono<Void> subscribe(WebSocketSession session, JsonNode request, Sinks.Many<String> outbound,
      Map<String, Disposable> subscriptions) {
    String key = projectKey(request);
    if (key == null) {
      return reply(session, outbound, error("bad_message", "projectId must be a UUID (or omitted for every project)"));
    }
    JsonNode sinceNode = request.path("since");
    if (!sinceNode.isMissingNode() && !sinceNode.isNull() && (!sinceNode.isIntegralNumber() || !sinceNode.canConvertToLong()
        || sinceNode.asLong() < 0)) {
      return reply(session, outbound, error("bad_message", "since must be a sequence number >= 0"));
    }
    long since = sinceNode.isMissingNode() || sinceNode.isNull() ? bus.lastPublished() : sinceNode.asLong();
    UUID projectId = ALL_PROJECTS.equals(key) ? null : UUID.fromString(key);
    Disposable previous = subscriptions.remove(key);
    if (previous != null) {
      previous.dispose();
    }
    Map<String, Object> confirmation = new LinkedHashMap<>();
    confirmation.put("type", "subscribed");
    confirmation.put("projectId", projectId == null ? null : key);
    confirmation.put("since", since);
    if (!offer(outbound, write(confirmation))) {
      return session.close(SLOW_CONSUMER);
    }
    subscriptions.put(key, bus.stream(since, projectId, settings.subscriberBuffer())
        .subscribe(
            event -> {
              if (!offer(outbound, envelopes.get(event.sequence(), sequence -> envelope(event)))) {
                session.close(SLOW_CONSUMER).subscribe();
              }
            },
            error -> session.close(error instanceof EventBus.SlowConsumerException ? SLOW_CONSUMER
                : new CloseStatus(1011, "event stream failed: " + error.getMessage())).subscribe()));
    return Mono.empty();
  }

  private String envelope(StoredEvent event) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", "event");
    envelope.put("sequence", event.sequence());
    envelope.put("event", EventView.of(event));
    return write(envelope);
  }

  private static String projectKey(JsonNode request) {
    JsonNode project = request.path("projectId");
    if (project.isMissingNode() || project.isNull()) {
      return ALL_PROJECTS;
    }
    try {
      return UUID.fromString(project.asString("")).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Mono<Void> reply(WebSocketSession session, Sinks.Many<String> outbound, Map<String, Object> message) {
    return offer(outbound, write(message)) ? Mono.empty() : session.close(SLOW_CONSUMER);
  }

  private static boolean offer(Sinks.Many<String> outbound, String text) {
    synchronized (outbound) {
      return outbound.tryEmitNext(text).isSuccess();
    }
  }

  /** The first field a message of a known type carries that the protocol does not have, else null. */
  private static String unknownField(String type, JsonNode request) {
    Set<String> known = MESSAGE_FIELDS.get(type);
    return known == null || !request.isObject() ? null
        : request.propertyNames().stream().filter(name -> !known.contains(name)).findFirst().orElse(null);
  }

  private static Map<String, Object> error(String code, String message) {
    return Map.of("type", "error", "code", code, "message", message);
  }

  private String write(Map<String, Object> message) {
    return json.writeValueAsString(message);
  }
}
