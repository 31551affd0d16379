package dev.tenantry.operator.backup;

import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides a backup's next step from the backup, its tenant and the time: wait for the tenant to be
 * Ready (until the deadline), run, or, once finished, keep it until its {@code ttl} and then delete
 * it. Pure, so each rule is tested without a cluster; {@link TenantBackupReconciler} carries it out.
 */
final class BackupPlanner {

  /** What a backup's next step is decided from. */
  record BackupFacts(TenantBackup backup, Optional<Tenant> tenant, Instant now) {}

  /** One step for the reconciler to carry out. */
  sealed interface BackupStep {}

  /** Nothing to do now; look again after {@code lookAgain} (a ttl's end), if given. */
  record Keep(Optional<Duration> lookAgain) implements BackupStep {}

  /** The ttl of a finished backup has passed: it goes, its archive with it. */
  record Expire(String message) implements BackupStep {}

  /** Show that it waits, for {@code reason}; look again after {@code lookAgain}. */
  record Wait(String reason, String message, Duration lookAgain) implements BackupStep {}

  record Fail(String reason, String message) implements BackupStep {}

  /** The tenant is Ready: stream its event log into the archive. */
  record Run(Tenant tenant) implements BackupStep {}

  private final Duration tenantWait;

  BackupPlanner(Duration tenantWait) {
    this.tenantWait = tenantWait;
  }

  BackupStep next(BackupFacts facts) {
    TenantBackup backup = facts.backup();
    if (finished(backup.getStatus())) {
      return expiry(backup, facts.now());
    }
    String name = backup.getSpec().getTenant();
    if (facts.tenant().isEmpty()) {
      return new Fail("TenantNotFound", "there is no tenant '" + name + "' to back up");
    }
    Tenant tenant = facts.tenant().get();
    if (ready(tenant)) {
      return new Run(tenant);
    }
    String state = tenant.getStatus() == null || tenant.getStatus().getPhase() == null ? "no phase yet"
        : "phase " + tenant.getStatus().getPhase();
    Instant deadline = deadline(facts);
    if (!facts.now().isBefore(deadline)) {
      return new Fail("TenantNotReady", "tenant '" + name + "' was not Ready within " + tenantWait.toSeconds()
          + " s (" + state + "); its runtime must run to be backed up");
    }
    return new Wait("TenantNotReady", "waiting for tenant '" + name + "' to be Ready (" + state + ")",
        Duration.between(facts.now(), deadline));
  }

  /** A run the runtime did not answer: tried again while the deadline allows. */
  BackupStep afterRuntimeFailed(BackupFacts facts, boolean transientFailure, String message) {
    if (transientFailure && facts.now().isBefore(deadline(facts))) {
      return new Wait("RuntimeUnreachable", message + "; trying again", RestorePlanner.RETRY_UNREACHABLE);
    }
    return new Fail("RuntimeUnavailable", message);
  }

  /** A finished backup with a ttl goes when it expires. */
  BackupStep expiry(TenantBackup backup, Instant now) {
    String ttl = backup.getSpec().getTtl();
    TenantBackupStatus status = backup.getStatus();
    if (ttl == null || status == null || status.getCompletedAt() == null) {
      return new Keep(Optional.empty());
    }
    Instant expiry = Instant.parse(status.getCompletedAt()).plus(Duration.parse(ttl));
    if (now.isBefore(expiry)) {
      return new Keep(Optional.of(Duration.between(now, expiry)));
    }
    return new Expire("ttl " + ttl + " passed since " + status.getCompletedAt());
  }

  static boolean finished(TenantBackupStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().finished();
  }

  /** Ready with a runtime that answers: the only state whose event log can be read. */
  static boolean ready(Tenant tenant) {
    var status = tenant.getStatus();
    return status != null && status.getPhase() == Phase.Ready && status.getRuntime() != null
        && status.getRuntime().getReadyReplicas() != null && status.getRuntime().getReadyReplicas() > 0;
  }

  private Instant deadline(BackupFacts facts) {
    String created = facts.backup().getMetadata().getCreationTimestamp();
    return (created == null ? facts.now() : Instant.parse(created)).plus(tenantWait);
  }
}
