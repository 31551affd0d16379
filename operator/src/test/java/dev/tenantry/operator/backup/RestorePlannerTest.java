package dev.tenantry.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreSpec;
import dev.tenantry.crds.backup.TenantRestoreStatus;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.backup.RestorePlanner.CreateTenant;
import dev.tenantry.operator.backup.RestorePlanner.Fail;
import dev.tenantry.operator.backup.RestorePlanner.Finished;
import dev.tenantry.operator.backup.RestorePlanner.Load;
import dev.tenantry.operator.backup.RestorePlanner.RestoreFacts;
import dev.tenantry.operator.backup.RestorePlanner.RestoreStep;
import dev.tenantry.operator.backup.RestorePlanner.Verify;
import dev.tenantry.operator.backup.RestorePlanner.Wait;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which step a restore takes next, from its backup and target as they stand, decided without a cluster. */
class RestorePlannerTest {
  static final Duration WAIT = Duration.ofMinutes(5);
  static final Instant STARTED = Instant.parse("2026-12-07T10:00:00Z");
  final RestorePlanner planner = new RestorePlanner(WAIT);

  @Test
  void nothingIsWrittenBeforeTheBackupIsCompleteAndAMissingOrFailedBackupFailsTheRestore() {
    TenantRestore restore = restore("r1", "acme-1", null, null);

    assertThat(next(restore, null, null)).isEqualTo(new Fail("BackupNotFound", "there is no backup 'acme-1'", false));
    assertThat(next(restore, backup("acme-1", "acme", BackupPhase.Running), null))
        .isEqualTo(new Wait("BackupNotComplete", "waiting for backup 'acme-1' to complete", Optional.empty()));
    assertThat(next(restore, backup("acme-1", "acme", BackupPhase.Failed), null))
        .isInstanceOfSatisfying(Fail.class, f -> assertThat(f.reason()).isEqualTo("BackupFailed"));
  }

  @Test
  void theModeFollowsFromTheTargetInPlaceIntoItsOwnTenantRecreateWhenGoneCloneIntoANewName() {
    TenantBackup backup = backup("acme-1", "acme", BackupPhase.Completed);

    assertThat(next(restore("r1", "acme-1", null, null), backup, tenant("acme", null, true)))
        .isEqualTo(new Verify(backup, RestoreMode.InPlace, "acme"));
    assertThat(next(restore("r1", "acme-1", null, null), backup, null))
        .isEqualTo(new Verify(backup, RestoreMode.Recreate, "acme"));
    assertThat(next(restore("r1", "acme-1", "acme-copy", null), backup, null))
        .isEqualTo(new Verify(backup, RestoreMode.Clone, "acme-copy"));
  }

  @Test
  void aCloneIntoAnotherExistingTenantIsRefusedBeforeAnythingIsWritten() {
    RestoreStep step = next(restore("r1", "acme-1", "globex", null), backup("acme-1", "acme", BackupPhase.Completed),
        tenant("globex", null, true));
    assertThat(step).isInstanceOfSatisfying(Fail.class, fail -> {
      assertThat(fail.reason()).isEqualTo("TargetExists");
      assertThat(fail.message()).contains("'globex' exists and is not the backup's tenant 'acme'");
      assertThat(fail.undo()).isFalse();
    });
  }

  @Test
  void aStartedCloneCreatesItsTenantThenWaitsForItToBeReadyThenLoadsIt() {
    TenantBackup backup = backup("acme-1", "acme", BackupPhase.Completed);
    TenantRestore started = restore("r1", "acme-1", "acme-copy", RestoreMode.Clone);

    assertThat(next(started, backup, null)).isEqualTo(new CreateTenant(backup, "acme-copy"));

    Instant later = STARTED.plusSeconds(60);
    assertThat(planner.next(new RestoreFacts(started, Optional.of(backup),
        Optional.of(tenant("acme-copy", "r1", false)), later)))
        .isEqualTo(new Wait("WaitingForTenant", "waiting for tenant 'acme-copy' to be Ready before its data is loaded",
            Optional.of(WAIT.minusSeconds(60))));

    Tenant ready = tenant("acme-copy", "r1", true);
    assertThat(next(started, backup, ready)).isEqualTo(new Load(backup, ready, STARTED.plus(WAIT)));
  }

  @Test
  void aTenantNotReadyByTheDeadlineFailsTheRestoreAndTheTenantItCreatedGoes() {
    TenantRestore started = restore("r1", "acme-1", "acme-copy", RestoreMode.Clone);
    RestoreStep step = planner.next(new RestoreFacts(started,
        Optional.of(backup("acme-1", "acme", BackupPhase.Completed)), Optional.of(tenant("acme-copy", "r1", false)),
        STARTED.plus(WAIT)));
    assertThat(step).isEqualTo(new Fail("TargetNotReady",
        "tenant 'acme-copy' was not Ready within 300 s; the tenant this restore created is deleted", true));
  }

  @Test
  void aTenantSomeoneElseCreatedMeanwhileIsNotTouched() {
    RestoreStep step = next(restore("r1", "acme-1", "acme-copy", RestoreMode.Clone),
        backup("acme-1", "acme", BackupPhase.Completed), tenant("acme-copy", null, true));
    assertThat(step).isEqualTo(new Fail("TargetExists", "tenant 'acme-copy' was created by someone else meanwhile",
        false));
  }

  @Test
  void anInPlaceTargetDeletedMidwayOrABackupDeletedMidwayFailsTheRestore() {
    TenantRestore inPlace = restore("r1", "acme-1", null, RestoreMode.InPlace);
    assertThat(next(inPlace, backup("acme-1", "acme", BackupPhase.Completed), null))
        .isEqualTo(new Fail("TargetGone", "tenant 'acme' was deleted during its restore", false));
    assertThat(next(inPlace, null, tenant("acme", null, true)))
        .isEqualTo(new Fail("BackupNotFound", "backup 'acme-1' was deleted while it was being restored", false));
  }

  @Test
  void aRuntimeNotYetReachableIsTriedAgainUntilTheDeadlineThenTheRestoreFailsKeepingInPlaceDataUnchanged() {
    TenantRestore inPlace = restore("r1", "acme-1", null, RestoreMode.InPlace);
    RestoreFacts early = facts(inPlace, backup("acme-1", "acme", BackupPhase.Completed), tenant("acme", null, true));
    assertThat(planner.afterLoadFailed(early, true, "connection refused"))
        .isEqualTo(new Wait("RuntimeUnreachable", "connection refused; trying again",
            Optional.of(RestorePlanner.RETRY_UNREACHABLE)));
    assertThat(planner.afterLoadFailed(early, false, "INVALID_ARGUMENT: bad header"))
        .isEqualTo(new Fail("RuntimeRefused", "INVALID_ARGUMENT: bad header; the tenant's data is unchanged", true));

    RestoreFacts late = new RestoreFacts(inPlace, early.backup(), early.target(), STARTED.plus(WAIT));
    assertThat(planner.afterLoadFailed(late, true, "connection refused"))
        .isInstanceOfSatisfying(Fail.class, f -> assertThat(f.reason()).isEqualTo("RuntimeRefused"));
  }

  @Test
  void aFinishedRestoreDoesNothingMore() {
    TenantRestore done = restore("r1", "acme-1", null, RestoreMode.InPlace);
    done.getStatus().setPhase(BackupPhase.Completed);
    assertThat(next(done, null, null)).isEqualTo(new Finished());
  }

  private RestoreStep next(TenantRestore restore, TenantBackup backup, Tenant target) {
    return planner.next(facts(restore, backup, target));
  }

  private static RestoreFacts facts(TenantRestore restore, TenantBackup backup, Tenant target) {
    return new RestoreFacts(restore, Optional.ofNullable(backup), Optional.ofNullable(target), STARTED.plusSeconds(1));
  }

  /** A restore; with a mode it has started, into its spec's target or the backup's tenant "acme". */
  static TenantRestore restore(String name, String backup, String target, RestoreMode mode) {
    TenantRestore restore = new TenantRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
    restore.setSpec(new TenantRestoreSpec(backup, target));
    if (mode != null) {
      TenantRestoreStatus status = new TenantRestoreStatus();
      status.setPhase(BackupPhase.Running);
      status.setMode(mode);
      status.setRestoredTenant(target == null ? "acme" : target);
      status.setStartedAt(STARTED.toString());
      restore.setStatus(status);
    }
    return restore;
  }

  static TenantBackup backup(String name, String tenant, BackupPhase phase) {
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName(name).build());
    backup.setSpec(new TenantBackupSpec(tenant, null));
    TenantBackupStatus status = new TenantBackupStatus();
    status.setPhase(phase);
    backup.setStatus(status);
    return backup;
  }

  /** A tenant, created by restore {@code restoredBy} if given, Ready with a runtime that answers or still provisioning. */
  static Tenant tenant(String name, String restoredBy, boolean ready) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name)
        .withAnnotations(restoredBy == null ? Map.of() : Map.of(TenantryApi.RESTORED_BY_ANNOTATION, restoredBy))
        .build());
    TenantStatus status = new TenantStatus();
    status.setPhase(ready ? Phase.Ready : Phase.Provisioning);
    RuntimeStatus runtime = new RuntimeStatus();
    runtime.setReadyReplicas(ready ? 1 : 0);
    status.setRuntime(runtime);
    tenant.setStatus(status);
    return tenant;
  }
}
