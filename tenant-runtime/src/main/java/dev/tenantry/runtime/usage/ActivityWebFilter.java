package dev.tenantry.runtime.usage;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records the tenant's HTTP calls (REST, GraphQL, WebSocket handshakes) as activity. It runs
 * after Spring Security's filter chain, so a refused call never gets here and cannot keep a
 * tenant awake; {@code /admin} (the platform's backups) is left out.
 */
@Component
public class ActivityWebFilter implements WebFilter {
  private final ActivityClock activity;

  public ActivityWebFilter(ActivityClock activity) {
    this.activity = activity;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if (path.startsWith("/api/") || path.startsWith("/graphql") || path.startsWith("/ws/")) {
      activity.record();
    }
    return chain.filter(exchange);
  }
}
