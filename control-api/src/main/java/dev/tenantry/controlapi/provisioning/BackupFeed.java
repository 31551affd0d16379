package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.backup.BackupViews.BackupView;
import dev.tenantry.crds.backup.TenantBackup;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The backups' progress as live messages ({@code type} {@code backup} or
 * {@code backup-deleted}, keyed by {@code backup}) on {@code /ws/provisioning}.
 */
@Component
public class BackupFeed extends ResourceFeed<TenantBackup> {

  public BackupFeed(SharedIndexInformer<TenantBackup> backups) {
    super(backups, "backup");
  }

  @Override
  protected Object status(TenantBackup backup) {
    return backup.getStatus();
  }

  @Override
  protected Map<String, Object> message(TenantBackup backup, boolean deleted) {
    BackupView view = BackupView.of(backup);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", deleted ? "backup-deleted" : "backup");
    message.put("backup", view.name());
    message.put("tenant", view.tenant());
    message.put("phase", deleted ? "Deleted" : view.phase());
    message.put("sizeBytes", view.sizeBytes());
    message.put("eventPosition", view.eventPosition());
    message.put("message", view.message());
    message.put("resourceVersion", view.resourceVersion());
    message.put("at", Instant.now().toString());
    return message;
  }

  @Override
  public boolean isDeletion(Map<String, Object> message) {
    return "backup-deleted".equals(message.get("type"));
  }
}
