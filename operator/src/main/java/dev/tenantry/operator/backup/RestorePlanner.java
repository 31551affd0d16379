package dev.tenantry.operator.backup;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreStatus;
import dev.tenantry.crds.tenant.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Decides a restore's next step from what exists: the restore, its backup and its target tenant,
 * the time. Pure, so each rule is tested without a cluster; {@link TenantRestoreReconciler}
 * carries the step out (reading the archive, writing the tenant, loading its data).
 *
 * <p>The order: (1) nothing is written until the backup is complete, its archive read to its end
 * and the target and mode (in place, recreate, clone) fixed; (2) for a recreate or a clone, the
 * Tenant is created from the archived spec and awaited until Ready; (3) the owners' objects and
 * the event log are loaded. A restore that fails after it created a tenant deletes that tenant.
 */
final class RestorePlanner {

  /** A runtime Ready before its Service routes to it is asked again this soon, until the deadline. */
  static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(3);

  /** What a restore's next step is decided from; {@code target} is the tenant {@link #targetOf} names. */
  record RestoreFacts(TenantRestore restore, Optional<TenantBackup> backup, Optional<Tenant> target, Instant now) {}

  /** One step for the reconciler to carry out. */
  sealed interface RestoreStep {}

  /** Finished already: nothing to do. */
  record Finished() implements RestoreStep {}

  /** Show that it waits, for {@code reason}; look again after {@code lookAgain} if no event says so. */
  record Wait(String reason, String message, Optional<Duration> lookAgain) implements RestoreStep {}

  /** Fail; with {@code undo}, a tenant this restore created goes again. */
  record Fail(String reason, String message, boolean undo) implements RestoreStep {}

  /** Read the backup's archive to its end; if it holds, start the restore into {@code target} as {@code mode}. */
  record Verify(TenantBackup backup, RestoreMode mode, String target) implements RestoreStep {}

  /** Create the target tenant from the archived spec. */
  record CreateTenant(TenantBackup backup, String target) implements RestoreStep {}

  /** The target is Ready: load the owners' objects and the event log into it, by {@code deadline}. */
  record Load(TenantBackup backup, Tenant tenant, Instant deadline) implements RestoreStep {}

  private final Duration tenantWait;

  RestorePlanner(Duration tenantWait) {
    this.tenantWait = tenantWait;
  }

  /** The tenant a restore writes into: the one it fixed when it started, else the one its spec and backup name. */
  static Optional<String> targetOf(TenantRestore restore, Optional<TenantBackup> backup) {
    TenantRestoreStatus status = restore.getStatus();
    if (status != null && status.getRestoredTenant() != null) {
      return Optional.of(status.getRestoredTenant());
    }
    if (restore.getSpec().getTarget() != null && restore.getSpec().getTarget().getTenant() != null) {
      return Optional.of(restore.getSpec().getTarget().getTenant());
    }
    return backup.map(b -> b.getSpec().getTenant());
  }

  static boolean finished(TenantRestoreStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().finished();
  }

  RestoreStep next(RestoreFacts facts) {
    TenantRestore restore = facts.restore();
    if (finished(restore.getStatus())) {
      return new Finished();
    }
    String backupName = restore.getSpec().getBackup();
    boolean started = restore.getStatus() != null && restore.getStatus().getMode() != null;
    if (facts.backup().isEmpty()) {
      return new Fail("BackupNotFound", started
          ? "backup '" + backupName + "' was deleted while it was being restored"
          : "there is no backup '" + backupName + "'", false);
    }
    TenantBackup backup = facts.backup().get();
    return started ? restoreInto(facts, backup) : start(facts, backup);
  }

  /** What a failed load leads to: tried again while the runtime may still come, else the restore fails. */
  RestoreStep afterLoadFailed(RestoreFacts facts, boolean transientFailure, String message) {
    TenantRestoreStatus status = facts.restore().getStatus();
    if (transientFailure && facts.now().isBefore(deadline(status))) {
      return new Wait("RuntimeUnreachable", message + "; trying again", Optional.of(RETRY_UNREACHABLE));
    }
    return new Fail("RuntimeRefused", message + (status.getMode() != RestoreMode.InPlace
        ? "; the tenant this restore created is deleted" : "; the tenant's data is unchanged"), true);
  }

  private RestoreStep start(RestoreFacts facts, TenantBackup backup) {
    String backupName = backup.getMetadata().getName();
    if (backup.getStatus() != null && backup.getStatus().getPhase() == BackupPhase.Failed) {
      return new Fail("BackupFailed", "backup '" + backupName + "' failed; it holds nothing to restore", false);
    }
    if (!backup.isCompleted()) {
      return new Wait("BackupNotComplete", "waiting for backup '" + backupName + "' to complete", Optional.empty());
    }
    String source = backup.getSpec().getTenant();
    String target = targetOf(facts.restore(), Optional.of(backup)).orElse(source);
    boolean exists = facts.target().isPresent();
    if (exists && !target.equals(source)) {
      return new Fail("TargetExists", "tenant '" + target + "' exists and is not the backup's tenant '" + source
          + "': restore into a new name (a clone), or into '" + source + "' itself", false);
    }
    RestoreMode mode = exists ? RestoreMode.InPlace : target.equals(source) ? RestoreMode.Recreate : RestoreMode.Clone;
    return new Verify(backup, mode, target);
  }

  private RestoreStep restoreInto(RestoreFacts facts, TenantBackup backup) {
    TenantRestore restore = facts.restore();
    TenantRestoreStatus status = restore.getStatus();
    String target = status.getRestoredTenant();
    boolean creates = status.getMode() != RestoreMode.InPlace;
    if (facts.target().isEmpty()) {
      return creates ? new CreateTenant(backup, target)
          : new Fail("TargetGone", "tenant '" + target + "' was deleted during its restore", false);
    }
    Tenant tenant = facts.target().get();
    if (creates && !createdBy(restore, tenant)) {
      return new Fail("TargetExists", "tenant '" + target + "' was created by someone else meanwhile", false);
    }
    Instant deadline = deadline(status);
    if (BackupPlanner.ready(tenant)) {
      return new Load(backup, tenant, deadline);
    }
    if (!facts.now().isBefore(deadline)) {
      return new Fail("TargetNotReady", "tenant '" + target + "' was not Ready within " + tenantWait.toSeconds()
          + " s" + (creates ? "; the tenant this restore created is deleted" : ""), true);
    }
    return new Wait("WaitingForTenant", "waiting for tenant '" + target + "' to be Ready before its data is loaded",
        Optional.of(Duration.between(facts.now(), deadline)));
  }

  /** Whether this restore created the tenant (and so may delete it again). */
  static boolean createdBy(TenantRestore restore, Tenant tenant) {
    Map<String, String> annotations = tenant.getMetadata().getAnnotations();
    return annotations != null
        && restore.getMetadata().getName().equals(annotations.get(TenantryApi.RESTORED_BY_ANNOTATION));
  }

  private Instant deadline(TenantRestoreStatus status) {
    return Instant.parse(status.getStartedAt()).plus(tenantWait);
  }
}
