package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.tenant.TenantException;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/** GraphQL's live provisioning: {@code Subscription.tenantEvents}, the same messages as the provisioning socket. */
@Controller
public class ProvisioningGraphQl {

  private final ProvisioningFeed feed;
  private final ControlApiSettings settings;

  public ProvisioningGraphQl(ProvisioningFeed feed, ControlApiSettings settings) {
    this.feed = feed;
    this.settings = settings;
  }

  @SubscriptionMapping
  Flux<Map<String, Object>> tenantEvents(@Argument String name) {
    if (!feed.exists(name)) {
      return Flux.error(new TenantException.NotFound(name));
    }
    return feed.follow(name, settings.subscriberBuffer(), () -> { })
        .takeUntil(message -> "deleted".equals(message.get("type")));
  }
}
