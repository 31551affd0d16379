package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.tenant.TenantException;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/**
 * GraphQL's live feeds: {@code Subscription.tenantEvents} and {@code Subscription.rolloutEvents},
 * the same messages as the provisioning socket.
 */
@Controller
public class ProvisioningGraphQl {

  private final ProvisioningFeed tenants;
  private final RolloutFeed rollouts;
  private final ControlApiSettings settings;

  public ProvisioningGraphQl(ProvisioningFeed tenants, RolloutFeed rollouts, ControlApiSettings settings) {
    this.tenants = tenants;
    this.rollouts = rollouts;
    this.settings = settings;
  }

  @SubscriptionMapping
  Flux<Map<String, Object>> tenantEvents(@Argument String name) {
    return follow(tenants, "tenant", name);
  }

  /** One rollout's waves as they move, or every rollout's when no name is given. */
  @SubscriptionMapping
  Flux<Map<String, Object>> rolloutEvents(@Argument String name) {
    return follow(rollouts, "rollout", name);
  }

  private Flux<Map<String, Object>> follow(ResourceFeed<?> feed, String kind, String name) {
    if (name != null && !feed.exists(name)) {
      return Flux.error(new TenantException.NotFound(kind, name));
    }
    return feed.follow(name, settings.subscriberBuffer(), () -> { })
        .takeUntil(message -> name != null && feed.isDeletion(message));
  }
}
