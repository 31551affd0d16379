package dev.tenantry.controlapi.backup;

import dev.tenantry.controlapi.tenant.TenantView.ConditionView;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantRestore;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** Backups, restores and schedules as the control API shows them. */
public final class BackupViews {
  private BackupViews() {}

  /** A TenantBackup: its tenant, where it is and how big, the position it holds, why it waits or failed. */
  public record BackupView(String name, String tenant, String phase, Long sizeBytes, Long eventPosition,
      String location, String sha256, String ttl, String startedAt, String completedAt, String createdAt,
      String schedule, String message, List<ConditionView> conditions, boolean deleting, String resourceVersion) {

    public static BackupView of(TenantBackup backup) {
      var status = Optional.ofNullable(backup.getStatus());
      List<ConditionView> conditions = BackupViews.conditions(status.map(s -> s.getConditions()).orElse(List.of()));
      var labels = backup.getMetadata().getLabels();
      return new BackupView(backup.getMetadata().getName(), backup.getSpec().getTenant(),
          status.map(s -> s.getPhase()).map(Enum::name).orElse("Pending"),
          status.map(s -> s.getSizeBytes()).orElse(null),
          status.map(s -> s.getEventPosition()).orElse(null),
          status.map(s -> s.getLocation()).orElse(null),
          status.map(s -> s.getSha256()).orElse(null),
          backup.getSpec().getTtl(),
          status.map(s -> s.getStartedAt()).orElse(null),
          status.map(s -> s.getCompletedAt()).orElse(null),
          backup.getMetadata().getCreationTimestamp(),
          labels == null ? null : labels.get("backup.tenantry.dev/schedule"),
          BackupViews.message(conditions),
          conditions,
          backup.getMetadata().getDeletionTimestamp() != null,
          backup.getMetadata().getResourceVersion());
    }
  }

  /** A TenantRestore: which backup into which tenant, how, and how far it got. */
  public record RestoreView(String name, String backup, String targetTenant, String mode, String phase,
      String restoredTenant, Long eventPosition, Integer objects, String startedAt, String completedAt,
      String createdAt, String message, List<ConditionView> conditions, String resourceVersion) {

    public static RestoreView of(TenantRestore restore) {
      var status = Optional.ofNullable(restore.getStatus());
      List<ConditionView> conditions = BackupViews.conditions(status.map(s -> s.getConditions()).orElse(List.of()));
      var target = restore.getSpec().getTarget();
      return new RestoreView(restore.getMetadata().getName(), restore.getSpec().getBackup(),
          target == null ? null : target.getTenant(),
          status.map(s -> s.getMode()).map(Enum::name).orElse(null),
          status.map(s -> s.getPhase()).map(Enum::name).orElse("Pending"),
          status.map(s -> s.getRestoredTenant()).orElse(null),
          status.map(s -> s.getEventPosition()).orElse(null),
          status.map(s -> s.getObjects()).orElse(null),
          status.map(s -> s.getStartedAt()).orElse(null),
          status.map(s -> s.getCompletedAt()).orElse(null),
          restore.getMetadata().getCreationTimestamp(),
          BackupViews.message(conditions),
          conditions,
          restore.getMetadata().getResourceVersion());
    }
  }

  /** A TenantBackupSchedule: whose backups, when, how many kept, and when it fired. */
  public record ScheduleView(String name, String tenant, List<String> plans, String schedule, String timeZone,
      int keep, String lastScheduleTime, String nextScheduleTime, List<String> lastBackups, String message,
      List<ConditionView> conditions) {

    public static ScheduleView of(TenantBackupSchedule schedule) {
      var spec = schedule.getSpec();
      var status = Optional.ofNullable(schedule.getStatus());
      List<ConditionView> conditions = BackupViews.conditions(status.map(s -> s.getConditions()).orElse(List.of()));
      return new ScheduleView(schedule.getMetadata().getName(), spec.getTenant(),
          spec.getSelector() == null || spec.getSelector().getPlans() == null ? List.of() : spec.getSelector().getPlans(),
          spec.getSchedule(), spec.getTimeZone() == null ? "UTC" : spec.getTimeZone(),
          spec.getKeep() == null ? 7 : spec.getKeep(),
          status.map(s -> s.getLastScheduleTime()).orElse(null),
          status.map(s -> s.getNextScheduleTime()).orElse(null),
          status.map(s -> s.getLastBackups()).orElse(List.of()),
          BackupViews.message(conditions), conditions);
    }
  }

  private static List<ConditionView> conditions(List<Condition> conditions) {
    return conditions.stream()
        .map(c -> new ConditionView(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), c.getLastTransitionTime()))
        .toList();
  }

  private static String message(List<ConditionView> conditions) {
    return conditions.stream().findFirst().map(ConditionView::message).orElse("waiting for the operator");
  }
}
