package dev.tenantry.controlapi.provisioning;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/** Maps {@code /ws/provisioning}. */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfiguration {
  @Bean
  HandlerMapping provisioningWebSocketMapping(ProvisioningWebSocketHandler handler) {
    return new SimpleUrlHandlerMapping(Map.of("/ws/provisioning", handler), -1);
  }
}
