package dev.tenantry.operator.backup;

import dev.tenantry.crds.backup.BackupConditions;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreStatus;
import dev.tenantry.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;

/**
 * Every status a backup or a restore shows, built in one place. Each carries one condition,
 * {@value #COMPLETE}: True once done, else False with the reason it waits or failed, so
 * {@code kubectl describe} tells the story.
 */
public final class BackupStatuses {
  public static final String COMPLETE = BackupConditions.COMPLETE;

  private BackupStatuses() {}

  public static TenantBackupStatus backupWaiting(TenantBackup backup, String reason, String message, Instant now) {
    TenantBackupStatus status = backupCopy(backup);
    status.setPhase(BackupPhase.Pending);
    status.setConditions(condition(status.getConditions(), false, reason, message, backup.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantBackupStatus backupRunning(TenantBackup backup, Instant now) {
    TenantBackupStatus status = backupCopy(backup);
    status.setPhase(BackupPhase.Running);
    status.setStartedAt(Conditions.timestamp(now));
    status.setConditions(condition(status.getConditions(), false, "Running",
        "streaming the event log of tenant '" + backup.getSpec().getTenant() + "' into the backup store",
        backup.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantBackupStatus backupCompleted(TenantBackup backup, BackupStore.Stored stored, long position,
      String plan, Instant now) {
    TenantBackupStatus status = backupCopy(backup);
    status.setPhase(BackupPhase.Completed);
    status.setCompletedAt(Conditions.timestamp(now));
    status.setLocation(stored.location());
    status.setSizeBytes(stored.sizeBytes());
    status.setSha256(stored.sha256());
    status.setEventPosition(position);
    status.setPlan(plan);
    status.setConditions(condition(status.getConditions(), true, "Completed",
        "archive of " + stored.sizeBytes() + " bytes holds events 1.." + position + " of tenant '"
            + backup.getSpec().getTenant() + "'", backup.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantBackupStatus backupFailed(TenantBackup backup, String reason, String message, Instant now) {
    TenantBackupStatus status = backupCopy(backup);
    status.setPhase(BackupPhase.Failed);
    status.setCompletedAt(Conditions.timestamp(now));
    status.setConditions(condition(status.getConditions(), false, reason, message, backup.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantRestoreStatus restoreWaiting(TenantRestore restore, String reason, String message, Instant now) {
    TenantRestoreStatus status = restoreCopy(restore);
    status.setPhase(status.getMode() == null ? BackupPhase.Pending : BackupPhase.Running);
    status.setConditions(condition(status.getConditions(), false, reason, message, restore.getMetadata().getGeneration(), now));
    return status;
  }

  /** The restore has checked its archive and fixed its target: from here it writes. */
  public static TenantRestoreStatus restoreStarted(TenantRestore restore, RestoreMode mode, String target,
      long sizeBytes, long position, Instant now) {
    TenantRestoreStatus status = restoreCopy(restore);
    status.setPhase(BackupPhase.Running);
    status.setMode(mode);
    status.setRestoredTenant(target);
    status.setStartedAt(Conditions.timestamp(now));
    status.setSizeBytes(sizeBytes);
    status.setEventPosition(position);
    status.setConditions(condition(status.getConditions(), false, "Restoring",
        "archive checked (" + sizeBytes + " bytes, events 1.." + position + "); restoring into tenant '" + target
            + "' (" + mode + ")", restore.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantRestoreStatus restoreCompleted(TenantRestore restore, long position, int objects,
      List<String> skipped, Instant now) {
    TenantRestoreStatus status = restoreCopy(restore);
    status.setPhase(BackupPhase.Completed);
    status.setCompletedAt(Conditions.timestamp(now));
    status.setEventPosition(position);
    status.setObjects(objects);
    String message = "tenant '" + status.getRestoredTenant() + "' holds events 1.." + position + " and "
        + objects + " objects of its owners"
        + (skipped.isEmpty() ? "" : "; not restored: " + String.join(", ", skipped));
    status.setConditions(condition(status.getConditions(), true, skipped.isEmpty() ? "Completed" : "CompletedWithSkips",
        message, restore.getMetadata().getGeneration(), now));
    return status;
  }

  public static TenantRestoreStatus restoreFailed(TenantRestore restore, String reason, String message, Instant now) {
    TenantRestoreStatus status = restoreCopy(restore);
    status.setPhase(BackupPhase.Failed);
    status.setCompletedAt(Conditions.timestamp(now));
    status.setConditions(condition(status.getConditions(), false, reason, message, restore.getMetadata().getGeneration(), now));
    return status;
  }

  private static List<Condition> condition(List<Condition> previous, boolean holds, String reason, String message,
      Long generation, Instant now) {
    return List.of(Conditions.of(previous, COMPLETE, holds, reason, message, generation, now));
  }

  private static TenantBackupStatus backupCopy(TenantBackup backup) {
    TenantBackupStatus old = backup.getStatus();
    TenantBackupStatus status = new TenantBackupStatus();
    if (old != null) {
      status.setStartedAt(old.getStartedAt());
      status.setConditions(old.getConditions());
    }
    return status;
  }

  private static TenantRestoreStatus restoreCopy(TenantRestore restore) {
    TenantRestoreStatus old = restore.getStatus();
    TenantRestoreStatus status = new TenantRestoreStatus();
    if (old != null) {
      status.setMode(old.getMode());
      status.setRestoredTenant(old.getRestoredTenant());
      status.setStartedAt(old.getStartedAt());
      status.setSizeBytes(old.getSizeBytes());
      status.setEventPosition(old.getEventPosition());
      status.setConditions(old.getConditions());
    }
    return status;
  }
}
