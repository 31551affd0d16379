package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.rollout.RolloutView;
import dev.tenantry.crds.rollout.TenantRollout;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The rollouts' wave progress as live messages ({@code type} {@code rollout} or
 * {@code rollout-deleted}, keyed by {@code rollout}), on {@code /ws/provisioning} and GraphQL
 * {@code rolloutEvents}.
 */
@Component
public class RolloutFeed extends ResourceFeed<TenantRollout> {

  public RolloutFeed(SharedIndexInformer<TenantRollout> rollouts) {
    super(rollouts, "rollout");
  }

  @Override
  protected Object status(TenantRollout rollout) {
    return rollout.getStatus();
  }

  @Override
  protected Map<String, Object> message(TenantRollout rollout, boolean deleted) {
    RolloutView view = RolloutView.of(rollout);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", deleted ? "rollout-deleted" : "rollout");
    message.put("rollout", view.name());
    message.put("image", view.image());
    message.put("phase", deleted ? "Deleted" : view.phase());
    message.put("currentWave", view.currentWave());
    message.put("selected", view.selected());
    message.put("updated", view.updated());
    message.put("failed", view.failed());
    message.put("paused", view.paused());
    message.put("waves", view.waves());
    message.put("failures", view.failures());
    message.put("conditions", view.conditions());
    message.put("message", view.message());
    message.put("resourceVersion", view.resourceVersion());
    message.put("at", Instant.now().toString());
    return message;
  }

  @Override
  public boolean isDeletion(Map<String, Object> message) {
    return "rollout-deleted".equals(message.get("type"));
  }
}
