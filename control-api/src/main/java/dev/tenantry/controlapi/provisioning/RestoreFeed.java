package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.backup.BackupViews.RestoreView;
import dev.tenantry.crds.backup.TenantRestore;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The restores' progress as live messages ({@code type} {@code restore} or
 * {@code restore-deleted}, keyed by {@code restore}) on {@code /ws/provisioning}.
 */
@Component
public class RestoreFeed extends ResourceFeed<TenantRestore> {

  public RestoreFeed(SharedIndexInformer<TenantRestore> restores) {
    super(restores, "restore");
  }

  @Override
  protected Object status(TenantRestore restore) {
    return restore.getStatus();
  }

  @Override
  protected Map<String, Object> message(TenantRestore restore, boolean deleted) {
    RestoreView view = RestoreView.of(restore);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", deleted ? "restore-deleted" : "restore");
    message.put("restore", view.name());
    message.put("backup", view.backup());
    message.put("tenant", view.restoredTenant() != null ? view.restoredTenant() : view.targetTenant());
    message.put("mode", view.mode());
    message.put("phase", deleted ? "Deleted" : view.phase());
    message.put("message", view.message());
    message.put("resourceVersion", view.resourceVersion());
    message.put("at", Instant.now().toString());
    return message;
  }

  @Override
  public boolean isDeletion(Map<String, Object> message) {
    return "restore-deleted".equals(message.get("type"));
  }
}
