package dev.tenantry.activator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.activator.settings.ActivatorSettings;
import dev.tenantry.activator.boundary.CallerBoundary;
import dev.tenantry.activator.routing.TenantAddressing;
import dev.tenantry.activator.wake.HeldCalls;
import dev.tenantry.activator.wake.RuntimeAddress;
import dev.tenantry.activator.wake.WakeRefusal;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.ConnectionProvider;

/**
 * The runtime's HTTP port while its tenant sleeps: holds each REST or GraphQL call and each
 * WebSocket upgrade until the tenant's runtime is Ready, then forwards it there unchanged.
 * A call that waits too long, or finds too many waiting, gets 503 with {@code Retry-After} and
 * problem+json; a held WebSocket is closed with 1013 (try again later).
 */
public final class HttpActivator {
  private static final Logger LOG = LoggerFactory.getLogger(HttpActivator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Headers about one connection, which a proxy never passes on (RFC 9110, 7.6.1). */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
  /** What the WebSocket handshake itself sets; the activator's own handshake with the runtime sets them anew. */
  private static final Set<String> HANDSHAKE = Set.of("sec-websocket-key", "sec-websocket-version",
      "sec-websocket-extensions", "sec-websocket-protocol", "content-length");

  private final ActivatorSettings settings;
  private final TenantAddressing addressing;
  private final CallerBoundary boundary;
  private final HeldCalls held;
  private final HttpClient runtimes = HttpClient.create(ConnectionProvider.create("runtimes", 1000));

  public HttpActivator(ActivatorSettings settings, TenantAddressing addressing, CallerBoundary boundary,
      HeldCalls held) {
    this.settings = settings;
    this.addressing = addressing;
    this.boundary = boundary;
    this.held = held;
  }

  public DisposableServer start() {
    return HttpServer.create().port(settings.httpPort()).handle(this::handle).bindNow();
  }

  private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    String host = request.requestHeaders().get(HttpHeaderNames.HOST);
    Optional<String> addressed = addressing.tenantOf(host);
    if (addressed.isEmpty()) {
      return problem(response, HttpResponseStatus.NOT_FOUND, "No such tenant",
          "no tenant runtime is addressed as '" + host + "'", false);
    }
    String tenant = addressed.get();
    // judged before anything is held: a caller the tenant does not admit neither waits nor wakes it
    Optional<String> refused = boundary.refusal(tenant, request.remoteAddress());
    if (refused.isPresent()) {
      LOG.info("refusing a call of tenant {}: {}", tenant, refused.get());
      return isWebSocket(request)
          ? response.sendWebsocket((in, out) -> out.sendClose(WebSocketCloseStatus.POLICY_VIOLATION.code(),
              truncate(refused.get())).then())
          : problem(response, HttpResponseStatus.FORBIDDEN, "Caller not admitted", refused.get(), false);
    }
    Mono<RuntimeAddress> awake = held.awaitRuntime(tenant, request.remoteAddress().getAddress().getHostAddress());
    return isWebSocket(request) ? webSocket(tenant, request, response, awake) : forward(tenant, request, response, awake);
  }

  private Mono<Void> forward(String tenant, HttpServerRequest request, HttpServerResponse response,
      Mono<RuntimeAddress> awake) {
    return awake.flatMap(runtime -> runtimes
            .headers(headers -> copyEndToEnd(request.requestHeaders(), headers, Set.of()))
            .request(request.method())
            .uri("http://" + runtime.host() + ":" + runtime.httpPort() + request.uri())
            .send((outgoing, body) -> body.send(request.receive().retain()))
            .response((answer, body) -> {
              response.status(answer.status());
              copyEndToEnd(answer.responseHeaders(), response.responseHeaders(), Set.of());
              return response.send(body.retain());
            })
            .then())
        .onErrorResume(error -> response.hasSentHeaders() ? Mono.error(error) : refuse(request, response, tenant, error));
  }

  private Mono<Void> webSocket(String tenant, HttpServerRequest request, HttpServerResponse response,
      Mono<RuntimeAddress> awake) {
    String protocols = request.requestHeaders().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    WebsocketServerSpec.Builder serverSpec = WebsocketServerSpec.builder().handlePing(true);
    WebsocketClientSpec.Builder clientSpec = WebsocketClientSpec.builder().handlePing(true);
    // an empty protocol list makes Netty's handshaker refuse silently: name protocols only when asked for
    if (protocols != null) {
      serverSpec.protocols(protocols);
      clientSpec.protocols(protocols);
    }
    // the caller's upgrade is accepted at once and held open; its frames wait in Netty's buffers
    return response.sendWebsocket((in, out) -> awake
            .flatMap(runtime -> runtimes
                .headers(headers -> {
                  copyEndToEnd(request.requestHeaders(), headers, HANDSHAKE);
                  // the caller's Host goes on, and Netty's handshake would name the pod's address as
                  // the Origin, which the runtime refuses as cross-origin: a caller that sent none
                  // is same-origin with the Service it called
                  headers.set(HttpHeaderNames.ORIGIN, request.requestHeaders().get(HttpHeaderNames.ORIGIN,
                      "http://" + request.requestHeaders().get(HttpHeaderNames.HOST)));
                })
                .websocket(clientSpec.build())
                .uri("ws://" + runtime.host() + ":" + runtime.httpPort() + request.uri())
                .handle((runtimeIn, runtimeOut) -> pipe(in, out, runtimeIn, runtimeOut))
                .then())
            .onErrorResume(error -> {
              LOG.info("closing a held WebSocket of tenant {}: {}", tenant, reason(tenant, error));
              return out.sendClose(WebSocketCloseStatus.TRY_AGAIN_LATER.code(), truncate(reason(tenant, error))).then();
            }),
        serverSpec.build());
  }

  /** Frames both ways until one side closes, whose close code and reason the other side then gets. */
  private static Mono<Void> pipe(WebsocketInbound callerIn, WebsocketOutbound callerOut, WebsocketInbound runtimeIn,
      WebsocketOutbound runtimeOut) {
    Mono<Void> toRuntime = runtimeOut.sendObject(callerIn.receiveFrames().map(WebSocketFrame::retain)).then();
    Mono<Void> toCaller = callerOut.sendObject(runtimeIn.receiveFrames().map(WebSocketFrame::retain)).then();
    Mono<Void> runtimeClosed = runtimeIn.receiveCloseStatus()
        .flatMap(status -> callerOut.sendClose(status.code(), status.reasonText()).then());
    Mono<Void> callerClosed = callerIn.receiveCloseStatus()
        .flatMap(status -> runtimeOut.sendClose(status.code(), status.reasonText()).then());
    return Mono.firstWithSignal(toRuntime, toCaller).then(Mono.firstWithSignal(runtimeClosed, callerClosed));
  }

  private Mono<Void> refuse(HttpServerRequest request, HttpServerResponse response, String tenant, Throwable error) {
    LOG.info("refusing a call of tenant {}: {}", tenant, reason(tenant, error));
    if (error instanceof WakeRefusal refusal) {
      return switch (refusal.kind()) {
        case UNKNOWN_TENANT -> problem(response, HttpResponseStatus.NOT_FOUND, "No such tenant", refusal.getMessage(), false);
        case SUSPENDED -> problem(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "Tenant suspended",
            refusal.getMessage(), false);
        case TOO_MANY_HELD -> problem(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "Tenant waking",
            refusal.getMessage(), true);
      };
    }
    if (error instanceof TimeoutException) {
      return problem(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "Tenant waking", reason(tenant, error), true);
    }
    return problem(response, HttpResponseStatus.BAD_GATEWAY, "Runtime unreachable", reason(tenant, error), true);
  }

  private String reason(String tenant, Throwable error) {
    if (error instanceof WakeRefusal) {
      return error.getMessage();
    }
    if (error instanceof TimeoutException) {
      return "tenant '" + tenant + "' did not wake within " + settings.holdTimeout().toSeconds() + " s; try again";
    }
    return "the runtime of tenant '" + tenant + "' could not be reached: " + error.getMessage();
  }

  private Mono<Void> problem(HttpServerResponse response, HttpResponseStatus status, String title, String detail,
      boolean retry) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", title);
    problem.put("status", status.code());
    problem.put("detail", detail);
    response.status(status).header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
    if (retry) {
      response.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(settings.retryAfterSeconds()));
    }
    try {
      return response.sendString(Mono.just(JSON.writeValueAsString(problem))).then();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Mono.error(e);
    }
  }

  private static boolean isWebSocket(HttpServerRequest request) {
    return "websocket".equalsIgnoreCase(request.requestHeaders().get(HttpHeaderNames.UPGRADE));
  }

  private static void copyEndToEnd(HttpHeaders from, HttpHeaders to, Set<String> alsoLeftOut) {
    Set<String> named = connectionNamed(from);
    from.forEach(header -> {
      String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !alsoLeftOut.contains(name) && !named.contains(name)) {
        to.add(header.getKey(), header.getValue());
      }
    });
  }

  /** Headers the {@code Connection} header names are hop-by-hop too. */
  private static Set<String> connectionNamed(HttpHeaders headers) {
    Set<String> named = new java.util.HashSet<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        named.add(token.trim().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return named;
  }

  /** A close reason fits in 123 bytes of UTF-8. */
  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return bytes.length <= 123 ? reason : new String(bytes, 0, 110, java.nio.charset.StandardCharsets.UTF_8) + "...";
  }
}
