package dev.tenantry.controlapi.backup;

import dev.tenantry.controlapi.audit.AuditLog;
import dev.tenantry.controlapi.backup.BackupViews.BackupView;
import dev.tenantry.controlapi.backup.BackupViews.RestoreView;
import dev.tenantry.controlapi.backup.BackupViews.ScheduleView;
import dev.tenantry.controlapi.tenant.TenantException;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupScheduleSpec;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreSpec;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads backups, restores and schedules from the informer caches and writes their resources
 * after checking what the API server cannot (the tenant or backup exists, a restore's target is
 * allowed); the operator carries them out. A refused request writes nothing.
 */
@Service
public class BackupService {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final SharedIndexInformer<TenantBackup> backups;
  private final SharedIndexInformer<TenantRestore> restores;
  private final SharedIndexInformer<TenantBackupSchedule> schedules;
  private final SharedIndexInformer<Tenant> tenants;
  private final SharedIndexInformer<TenantPlan> plans;
  private final AuditLog audit;
  private final Clock clock = Clock.systemUTC();

  public BackupService(KubernetesClient client, SharedIndexInformer<TenantBackup> backups,
      SharedIndexInformer<TenantRestore> restores, SharedIndexInformer<TenantBackupSchedule> schedules,
      SharedIndexInformer<Tenant> tenants, SharedIndexInformer<TenantPlan> plans, AuditLog audit) {
    this.client = client;
    this.backups = backups;
    this.restores = restores;
    this.schedules = schedules;
    this.tenants = tenants;
    this.plans = plans;
    this.audit = audit;
  }

  /** Backups, newest first; of one tenant when {@code tenant} is set. */
  public List<BackupView> backups(String tenant) {
    return newestFirst(backups.getStore().list()).stream()
        .filter(b -> tenant == null || tenant.equals(b.getSpec().getTenant()))
        .map(BackupView::of).toList();
  }

  public BackupView backup(String name) {
    TenantBackup backup = backups.getStore().getByKey(name);
    if (backup == null) {
      throw new TenantException.NotFound("backup", name);
    }
    return BackupView.of(backup);
  }

  public List<RestoreView> restores() {
    return newestFirst(restores.getStore().list()).stream().map(RestoreView::of).toList();
  }

  public RestoreView restore(String name) {
    TenantRestore restore = restores.getStore().getByKey(name);
    if (restore == null) {
      throw new TenantException.NotFound("restore", name);
    }
    return RestoreView.of(restore);
  }

  public List<ScheduleView> schedules() {
    return schedules.getStore().list().stream().sorted(Comparator.comparing(s -> s.getMetadata().getName()))
        .map(ScheduleView::of).toList();
  }

  public Mono<BackupView> createBackup(String actor, BackupRequests.CreateBackup input) {
    return Mono.fromCallable(() -> {
      String tenant = input.tenant();
      if (tenant == null || tenants.getStore().getByKey(tenant) == null) {
        throw new TenantException.Invalid("tenant", "there is no tenant '" + tenant + "'");
      }
      String name = input.name() == null || input.name().isBlank()
          ? tenant + "-" + STAMP.format(clock.instant()) : input.name();
      checkName(name, backups, "backup");
      if (input.ttl() != null && !input.ttl().matches(TenantryApi.DURATION_PATTERN)) {
        throw new TenantException.Invalid("ttl", "must be an ISO-8601 duration of days, hours, minutes or seconds, "
            + "e.g. P7D or PT12H");
      }
      TenantBackup backup = new TenantBackup();
      backup.setMetadata(new ObjectMetaBuilder().withName(name).addToLabels(TenantryApi.TENANT_LABEL, tenant).build());
      backup.setSpec(new TenantBackupSpec(tenant, input.ttl()));
      TenantBackup created = write("backup", () -> client.resource(backup).create());
      audit.record(actor, "BackupCreated", "TenantBackup", name, "succeeded", "backup of tenant " + tenant);
      return BackupView.of(created);
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(TenantException.class, e -> audit.record(actor, "BackupCreated", "TenantBackup",
            String.valueOf(input.name()), "refused", e.getMessage()));
  }

  /** Deletes the backup and, through the operator, its archive. */
  public Mono<BackupView> deleteBackup(String actor, String name) {
    return Mono.fromCallable(() -> {
      BackupView current = backup(name);
      write("backup", () -> client.resources(TenantBackup.class).withName(name).delete());
      audit.record(actor, "BackupDeleted", "TenantBackup", name, "succeeded", "backup and its archive deleted");
      return current;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  public Mono<RestoreView> createRestore(String actor, BackupRequests.CreateRestore input) {
    return Mono.fromCallable(() -> {
      TenantBackup backup = input.backup() == null ? null : backups.getStore().getByKey(input.backup());
      if (backup == null) {
        throw new TenantException.Invalid("backup", "there is no backup '" + input.backup() + "'");
      }
      if (backup.getStatus() == null || backup.getStatus().getPhase() != BackupPhase.Completed) {
        throw new TenantException.Conflict("backup", "backup '" + input.backup() + "' is not Completed");
      }
      String source = backup.getSpec().getTenant();
      String target = input.targetTenant() == null || input.targetTenant().isBlank() ? source : input.targetTenant();
      if (!TenantryApi.isValidTenantName(target)) {
        throw new TenantException.Invalid("targetTenant", "must be a DNS label of at most "
            + TenantryApi.MAX_TENANT_NAME_LENGTH + " characters");
      }
      if (!target.equals(source) && tenants.getStore().getByKey(target) != null) {
        throw new TenantException.Conflict("targetTenant", "tenant '" + target
            + "' exists and is not the backup's tenant '" + source + "'");
      }
      String name = input.name() == null || input.name().isBlank()
          ? target + "-from-" + STAMP.format(clock.instant()) : input.name();
      checkName(name, restores, "restore");
      TenantRestore restore = new TenantRestore();
      restore.setMetadata(new ObjectMetaBuilder().withName(name).build());
      restore.setSpec(new TenantRestoreSpec(input.backup(), target.equals(source) ? null : target));
      TenantRestore created = write("restore", () -> client.resource(restore).create());
      audit.record(actor, "RestoreCreated", "TenantRestore", name, "succeeded",
          "backup " + input.backup() + " into tenant " + target);
      return RestoreView.of(created);
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(TenantException.class, e -> audit.record(actor, "RestoreCreated", "TenantRestore",
            String.valueOf(input.name()), "refused", e.getMessage()));
  }

  public Mono<RestoreView> deleteRestore(String actor, String name) {
    return Mono.fromCallable(() -> {
      RestoreView current = restore(name);
      write("restore", () -> client.resources(TenantRestore.class).withName(name).delete());
      audit.record(actor, "RestoreDeleted", "TenantRestore", name, "succeeded", "the record only; data stays");
      return current;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  public Mono<ScheduleView> createSchedule(String actor, BackupRequests.CreateSchedule input) {
    return Mono.fromCallable(() -> {
      checkName(input.name(), schedules, "schedule");
      boolean byTenant = input.tenant() != null && !input.tenant().isBlank();
      boolean byPlans = input.plans() != null && !input.plans().isEmpty();
      if (byTenant == byPlans) {
        throw new TenantException.Invalid("tenant", "name exactly one of tenant and plans");
      }
      if (byTenant && tenants.getStore().getByKey(input.tenant()) == null) {
        throw new TenantException.Invalid("tenant", "there is no tenant '" + input.tenant() + "'");
      }
      if (byPlans) {
        for (String plan : input.plans()) {
          if (plans.getStore().getByKey(plan) == null) {
            throw new TenantException.Invalid("plans", "no TenantPlan '" + plan + "'");
          }
        }
      }
      if (input.schedule() == null || !input.schedule().trim().matches(TenantryApi.CRON_PATTERN)) {
        throw new TenantException.Invalid("schedule", "must be a cron expression of five fields, e.g. '0 2 * * *'");
      }
      if (input.timeZone() != null) {
        try {
          ZoneId.of(input.timeZone());
        } catch (java.time.DateTimeException e) {
          throw new TenantException.Invalid("timeZone", "'" + input.timeZone() + "' is not an IANA time zone");
        }
      }
      if (input.keep() != null && (input.keep() < 1 || input.keep() > 1000)) {
        throw new TenantException.Invalid("keep", "must be between 1 and 1000");
      }
      TenantBackupScheduleSpec spec = new TenantBackupScheduleSpec();
      spec.setTenant(byTenant ? input.tenant() : null);
      spec.setSelector(byPlans ? new TenantSelector(List.copyOf(input.plans()), null) : null);
      spec.setSchedule(input.schedule().trim());
      spec.setTimeZone(input.timeZone());
      spec.setKeep(input.keep());
      TenantBackupSchedule schedule = new TenantBackupSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName(input.name()).build());
      schedule.setSpec(spec);
      TenantBackupSchedule created = write("schedule", () -> client.resource(schedule).create());
      audit.record(actor, "BackupScheduleCreated", "TenantBackupSchedule", input.name(), "succeeded",
          input.schedule() + (byTenant ? " for tenant " + input.tenant() : " for plans " + input.plans()));
      return ScheduleView.of(created);
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(TenantException.class, e -> audit.record(actor, "BackupScheduleCreated", "TenantBackupSchedule",
            String.valueOf(input.name()), "refused", e.getMessage()));
  }

  /** Deletes the schedule; the backups it made stay. */
  public Mono<ScheduleView> deleteSchedule(String actor, String name) {
    return Mono.fromCallable(() -> {
      TenantBackupSchedule current = schedules.getStore().getByKey(name);
      if (current == null) {
        throw new TenantException.NotFound("schedule", name);
      }
      write("schedule", () -> client.resources(TenantBackupSchedule.class).withName(name).delete());
      audit.record(actor, "BackupScheduleDeleted", "TenantBackupSchedule", name, "succeeded", "its backups stay");
      return ScheduleView.of(current);
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private static void checkName(String name, SharedIndexInformer<?> existing, String kind) {
    if (name == null || name.length() > 63 || !name.matches(TenantryApi.DNS_LABEL_PATTERN)) {
      throw new TenantException.Invalid("name", "must be a DNS label (lower case letters, digits and '-') of at most "
          + "63 characters");
    }
    if (existing.getStore().getByKey(name) != null) {
      throw new TenantException.Conflict("name", kind + " '" + name + "' already exists");
    }
  }

  private static <T extends HasMetadata> List<T> newestFirst(List<T> items) {
    return items.stream()
        .sorted(Comparator.comparing((T item) -> String.valueOf(item.getMetadata().getCreationTimestamp())).reversed()
            .thenComparing(item -> item.getMetadata().getName()))
        .toList();
  }

  private static <T> T write(String kind, Callable<T> call) throws Exception {
    return TenantException.translating(kind, call);
  }
}
