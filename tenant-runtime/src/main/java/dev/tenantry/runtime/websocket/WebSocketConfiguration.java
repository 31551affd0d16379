package dev.tenantry.runtime.websocket;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

/** Maps {@code /ws/events} and caps frames at 64 KiB (a bigger one closes the socket with 1009). */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfiguration {
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  @Bean
  HandlerMapping eventsWebSocketMapping(EventsWebSocketHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/ws/events", handler), -1);
  }

  @Bean
  WebSocketHandlerAdapter webSocketHandlerAdapter() {
    return new WebSocketHandlerAdapter(new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
        () -> WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME_BYTES))));
  }
}
