package dev.tenantry.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupScheduleSpec;
import dev.tenantry.crds.backup.TenantBackupScheduleStatus;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a schedule fires, what it makes and what it prunes, decided without a cluster. */
class BackupSchedulePlannerTest {
  final BackupSchedulePlanner planner = new BackupSchedulePlanner();
  static final Instant CREATED = Instant.parse("2026-12-01T23:30:00Z");

  @Test
  void itFiresAtTheCronTimeInItsZoneOncePerTenantWithNamesOfTheFireTime() {
    TenantBackupSchedule nightly = schedule("nightly", null, new TenantSelector(List.of("pro"), null), "0 2 * * *",
        "Europe/Berlin", 3, null);
    List<Tenant> tenants = List.of(tenant("acme", "pro"), tenant("globex", "pro"), tenant("tiny", "free"));

    var before = planner.decide(nightly, () -> tenants, List.of(), Instant.parse("2026-12-02T00:59:00Z"));
    assertThat(before.fires()).isFalse();
    assertThat(before.create()).isEmpty();
    // 02:00 in Berlin is 01:00 UTC in winter
    assertThat(before.next()).isEqualTo(Instant.parse("2026-12-02T01:00:00Z"));

    var at = planner.decide(nightly, () -> tenants, List.of(), Instant.parse("2026-12-02T01:00:01Z"));
    assertThat(at.fires()).isTrue();
    assertThat(at.firedAt()).isEqualTo(Instant.parse("2026-12-02T01:00:00Z"));
    assertThat(at.create()).extracting(b -> b.getMetadata().getName())
        .containsExactly("nightly-acme-202612020200", "nightly-globex-202612020200");
    assertThat(at.create()).allSatisfy(b -> assertThat(b.getMetadata().getLabels())
        .containsEntry(BackupSchedulePlanner.SCHEDULE_LABEL, "nightly")
        .containsEntry(TenantryApi.TENANT_LABEL, b.getSpec().getTenant()));
    assertThat(at.next()).isEqualTo(Instant.parse("2026-12-03T01:00:00Z"));
  }

  @Test
  void aScheduleThatMissedSeveralTimesFiresOnceForTheLatest() {
    TenantBackupSchedule hourly = schedule("hourly", "acme", null, "0 * * * *", null, 2, "2026-12-02T01:00:00Z");
    var plan = planner.decide(hourly, () -> List.of(tenant("acme", "pro")), List.of(), Instant.parse("2026-12-02T05:30:00Z"));
    assertThat(plan.create()).extracting(b -> b.getMetadata().getName()).containsExactly("hourly-202612020500");
    assertThat(plan.next()).isEqualTo(Instant.parse("2026-12-02T06:00:00Z"));
  }

  @Test
  void itKeepsTheNewestCompletedBackupsPerTenantAndTheFailedOnesAfterThem() {
    List<TenantBackup> made = List.of(
        made("m-1", "acme", "2026-12-02T01:00:00Z", BackupPhase.Completed),
        made("m-2", "acme", "2026-12-02T02:00:00Z", BackupPhase.Failed),
        made("m-3", "acme", "2026-12-02T03:00:00Z", BackupPhase.Completed),
        made("m-4", "acme", "2026-12-02T04:00:00Z", BackupPhase.Completed),
        made("m-5", "acme", "2026-12-02T05:00:00Z", BackupPhase.Failed),
        made("m-6", "acme", "2026-12-02T06:00:00Z", BackupPhase.Running),
        made("g-1", "globex", "2026-12-02T01:00:00Z", BackupPhase.Completed));
    assertThat(BackupSchedulePlanner.prune(made, 2)).containsExactlyInAnyOrder("m-1", "m-2");
    assertThat(BackupSchedulePlanner.prune(made, 1)).containsExactlyInAnyOrder("m-1", "m-2", "m-3");
  }

  @Test
  void aBadSpecIsNamedAndNothingIsMade() {
    assertThat(planner.decide(schedule("s", "acme", null, "61 * * * *", null, 1, null), List::of, List.of(),
        CREATED).invalid()).hasValueSatisfying(m -> assertThat(m).contains("'61 * * * *'"));
    assertThat(planner.decide(schedule("s", "acme", null, "0 2 * * *", "Mars/Olympus", 1, null), List::of, List.of(),
        CREATED).invalid()).hasValueSatisfying(m -> assertThat(m).contains("Mars/Olympus"));
    assertThat(planner.decide(schedule("s", null, null, "0 2 * * *", null, 1, null), List::of, List.of(),
        CREATED).invalid()).hasValueSatisfying(m -> assertThat(m).contains("exactly one of"));
  }

  static TenantBackupSchedule schedule(String name, String tenant, TenantSelector selector, String cron, String zone,
      int keep, String lastScheduled) {
    TenantBackupSchedule schedule = new TenantBackupSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(CREATED.toString()).build());
    TenantBackupScheduleSpec spec = new TenantBackupScheduleSpec();
    spec.setTenant(tenant);
    spec.setSelector(selector);
    spec.setSchedule(cron);
    spec.setTimeZone(zone);
    spec.setKeep(keep);
    schedule.setSpec(spec);
    if (lastScheduled != null) {
      TenantBackupScheduleStatus status = new TenantBackupScheduleStatus();
      status.setLastScheduleTime(lastScheduled);
      schedule.setStatus(status);
    }
    return schedule;
  }

  static Tenant tenant(String name, String plan) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of()).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan(plan);
    tenant.setSpec(spec);
    return tenant;
  }

  static TenantBackup made(String name, String tenant, String created, BackupPhase phase) {
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(created).build());
    backup.setSpec(new TenantBackupSpec(tenant, null));
    TenantBackupStatus status = new TenantBackupStatus();
    status.setPhase(phase);
    backup.setStatus(status);
    return backup;
  }
}
