package dev.tenantry.controlapi.provisioning;

import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.controlapi.tenant.TenantView;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The tenants' provisioning as live messages ({@code type} {@code status} or {@code deleted},
 * keyed by {@code tenant}): the shape of {@code /ws/provisioning} and GraphQL {@code tenantEvents}.
 */
@Component
public class ProvisioningFeed extends ResourceFeed<Tenant> {

  public ProvisioningFeed(SharedIndexInformer<Tenant> tenants) {
    super(tenants, "tenant");
  }

  @Override
  protected Object status(Tenant tenant) {
    return tenant.getStatus();
  }

  @Override
  protected Map<String, Object> message(Tenant tenant, boolean deleted) {
    return message(deleted ? "deleted" : "status", tenant);
  }

  @Override
  public boolean isDeletion(Map<String, Object> message) {
    return "deleted".equals(message.get("type"));
  }

  static Map<String, Object> message(String type, Tenant tenant) {
    TenantView view = TenantView.of(tenant);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", type);
    message.put("tenant", view.name());
    message.put("phase", "deleted".equals(type) ? "Deleted" : view.deleting() ? "Deleting" : view.phase());
    message.put("currentStep", view.provisioning().currentStep());
    message.put("completedSteps", view.provisioning().completedSteps());
    message.put("totalSteps", view.provisioning().totalSteps());
    message.put("conditions", view.conditions());
    message.put("message", view.conditions().stream().filter(c -> TenantConditions.READY.equals(c.type())).findFirst()
        .map(TenantView.ConditionView::message).orElse("waiting for the operator"));
    message.put("resourceVersion", view.resourceVersion());
    message.put("at", Instant.now().toString());
    return message;
  }
}
