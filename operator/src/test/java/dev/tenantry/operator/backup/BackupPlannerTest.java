package dev.tenantry.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.backup.BackupPlanner.BackupFacts;
import dev.tenantry.operator.backup.BackupPlanner.Expire;
import dev.tenantry.operator.backup.BackupPlanner.Fail;
import dev.tenantry.operator.backup.BackupPlanner.Keep;
import dev.tenantry.operator.backup.BackupPlanner.Run;
import dev.tenantry.operator.backup.BackupPlanner.Wait;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a backup waits, runs, fails or expires, decided without a cluster. */
class BackupPlannerTest {
  static final Duration WAIT = Duration.ofMinutes(5);
  static final Instant CREATED = Instant.parse("2026-12-07T10:00:00Z");
  final BackupPlanner planner = new BackupPlanner(WAIT);

  @Test
  void aBackupWaitsForItsTenantToBeReadyUntilTheDeadlineThenFailsSayingWhy() {
    TenantBackup backup = backup("acme-1", null, null, null);
    Tenant provisioning = RestorePlannerTest.tenant("acme", null, false);

    assertThat(planner.next(new BackupFacts(backup, Optional.of(provisioning), CREATED.plusSeconds(60))))
        .isEqualTo(new Wait("TenantNotReady", "waiting for tenant 'acme' to be Ready (phase Provisioning)",
            WAIT.minusSeconds(60)));
    assertThat(planner.next(new BackupFacts(backup, Optional.of(provisioning), CREATED.plus(WAIT))))
        .isEqualTo(new Fail("TenantNotReady", "tenant 'acme' was not Ready within 300 s (phase Provisioning); "
            + "its runtime must run to be backed up"));
    assertThat(planner.next(new BackupFacts(backup, Optional.empty(), CREATED)))
        .isEqualTo(new Fail("TenantNotFound", "there is no tenant 'acme' to back up"));

    Tenant ready = RestorePlannerTest.tenant("acme", null, true);
    assertThat(planner.next(new BackupFacts(backup, Optional.of(ready), CREATED))).isEqualTo(new Run(ready));
  }

  @Test
  void aRuntimeThatDoesNotAnswerIsTriedAgainWhileTheDeadlineAllows() {
    TenantBackup backup = backup("acme-1", null, null, null);
    BackupFacts early = new BackupFacts(backup, Optional.empty(), CREATED.plusSeconds(10));
    assertThat(planner.afterRuntimeFailed(early, true, "UNAVAILABLE"))
        .isEqualTo(new Wait("RuntimeUnreachable", "UNAVAILABLE; trying again", RestorePlanner.RETRY_UNREACHABLE));
    assertThat(planner.afterRuntimeFailed(early, false, "PERMISSION_DENIED"))
        .isEqualTo(new Fail("RuntimeUnavailable", "PERMISSION_DENIED"));
    assertThat(planner.afterRuntimeFailed(new BackupFacts(backup, Optional.empty(), CREATED.plus(WAIT)), true,
        "UNAVAILABLE")).isEqualTo(new Fail("RuntimeUnavailable", "UNAVAILABLE"));
  }

  @Test
  void aFinishedBackupWithATtlIsKeptUntilItEndsThenExpiresAndOneWithoutIsKept() {
    TenantBackup withTtl = backup("acme-1", "PT1H", BackupPhase.Completed, CREATED.plusSeconds(30));
    assertThat(planner.next(new BackupFacts(withTtl, Optional.empty(), CREATED.plusSeconds(30 + 600))))
        .isEqualTo(new Keep(Optional.of(Duration.ofSeconds(3000))));
    assertThat(planner.next(new BackupFacts(withTtl, Optional.empty(), CREATED.plusSeconds(30 + 3600))))
        .isEqualTo(new Expire("ttl PT1H passed since 2026-12-07T10:00:30Z"));

    TenantBackup failedForever = backup("acme-2", null, BackupPhase.Failed, CREATED);
    assertThat(planner.next(new BackupFacts(failedForever, Optional.empty(), CREATED.plus(Duration.ofDays(400)))))
        .isEqualTo(new Keep(Optional.empty()));
  }

  private static TenantBackup backup(String name, String ttl, BackupPhase phase, Instant completedAt) {
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(CREATED.toString()).build());
    backup.setSpec(new TenantBackupSpec("acme", ttl));
    if (phase != null) {
      TenantBackupStatus status = new TenantBackupStatus();
      status.setPhase(phase);
      status.setCompletedAt(completedAt == null ? null : completedAt.toString());
      backup.setStatus(status);
    }
    return backup;
  }
}
