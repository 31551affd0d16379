package dev.tenantry.operator.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupScheduleSpec;
import dev.tenantry.crds.tenant.Tenant;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides what a TenantBackupSchedule does now, from its spec, the tenants, the backups it made
 * and the time: whether it fires (one TenantBackup per selected tenant), which of its finished
 * backups go (all but the newest {@code keep} completed ones per tenant, and failed ones older
 * than those), and when to look again. A pure function: no cluster needed to test it.
 */
public final class BackupSchedulePlanner {
  /** On each TenantBackup a schedule made: the schedule's name. */
  public static final String SCHEDULE_LABEL = "backup." + TenantryApi.GROUP + "/schedule";
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

  /**
   * What to do: an error in the spec, or whether it fires now (and then at which time, making
   * which backups), the backups to delete and when to look next.
   */
  public record Plan(Optional<String> invalid, boolean fires, Instant firedAt, List<TenantBackup> create,
      List<String> delete, Instant next) {}

  /** Decides; {@code tenants} is asked for only when the schedule fires (listing a fleet costs). */
  public Plan decide(TenantBackupSchedule schedule, Supplier<List<Tenant>> tenants, List<TenantBackup> made,
      Instant now) {
    TenantBackupScheduleSpec spec = schedule.getSpec();
    String name = schedule.getMetadata().getName();
    if ((spec.getTenant() == null) == (spec.getSelector() == null)) {
      return invalid("set exactly one of spec.tenant and spec.selector", now);
    }
    ExecutionTime times;
    ZoneId zone;
    try {
      times = ExecutionTime.forCron(CRON.parse(spec.getSchedule()));
    } catch (IllegalArgumentException e) {
      return invalid("spec.schedule '" + spec.getSchedule() + "' is not a cron expression of five fields: "
          + e.getMessage(), now);
    }
    try {
      zone = ZoneId.of(spec.getTimeZone() == null ? "UTC" : spec.getTimeZone());
    } catch (DateTimeException e) {
      return invalid("spec.timeZone '" + spec.getTimeZone() + "' is not an IANA time zone", now);
    }
    Instant since = Optional.ofNullable(schedule.getStatus()).map(s -> s.getLastScheduleTime()).map(Instant::parse)
        .orElseGet(() -> Optional.ofNullable(schedule.getMetadata().getCreationTimestamp()).map(Instant::parse)
            .orElse(now));
    Instant due = nextAfter(times, since, zone).orElse(null);
    List<TenantBackup> create = new ArrayList<>();
    Instant lastScheduled = since;
    boolean fires = due != null && !due.isAfter(now);
    if (fires) {
      List<Tenant> selected = tenants.get().stream()
          .filter(t -> spec.getTenant() != null ? spec.getTenant().equals(t.getMetadata().getName())
              : spec.getSelector().selects(t))
          .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
          .toList();
      // a schedule that missed several times (the operator was down) fires once, for the latest
      Instant fire = latestNotAfter(times, due, now, zone);
      lastScheduled = fire;
      for (Tenant tenant : selected) {
        create.add(backup(schedule, tenant.getMetadata().getName(), fire, zone, spec.getTenant() == null));
      }
    }
    Instant next = nextAfter(times, lastScheduled, zone).filter(n -> n.isAfter(now))
        .or(() -> nextAfter(times, now, zone)).orElse(now.plus(Duration.ofDays(366)));
    return new Plan(Optional.empty(), fires, fires ? lastScheduled : null, create,
        prune(made, spec.getKeep() == null ? 7 : spec.getKeep()), next);
  }

  /** Per tenant: the newest {@code keep} completed backups stay, and whatever is newer than the oldest of them. */
  static List<String> prune(List<TenantBackup> made, int keep) {
    Map<String, List<TenantBackup>> byTenant = made.stream()
        .collect(Collectors.groupingBy(b -> b.getSpec().getTenant()));
    List<String> delete = new ArrayList<>();
    for (List<TenantBackup> backups : byTenant.values()) {
      List<TenantBackup> newestFirst = backups.stream()
          .sorted(Comparator.comparing((TenantBackup b) -> b.getMetadata().getCreationTimestamp()).reversed()
              .thenComparing(b -> b.getMetadata().getName(), Comparator.reverseOrder()))
          .toList();
      int completed = 0;
      for (TenantBackup backup : newestFirst) {
        BackupPhase phase = backup.getStatus() == null ? null : backup.getStatus().getPhase();
        if (completed >= keep && phase != null && phase.finished()) {
          delete.add(backup.getMetadata().getName());
        } else if (phase == BackupPhase.Completed) {
          completed++;
        }
      }
    }
    return delete;
  }

  private static TenantBackup backup(TenantBackupSchedule schedule, String tenant, Instant fire, ZoneId zone,
      boolean perTenantName) {
    String stamp = STAMP.format(fire.atZone(zone));
    String name = schedule.getMetadata().getName() + (perTenantName ? "-" + tenant : "") + "-" + stamp;
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName(name.length() <= 253 ? name : name.substring(0, 240) + "-" + stamp)
        .addToLabels(SCHEDULE_LABEL, schedule.getMetadata().getName())
        .addToLabels(TenantryApi.TENANT_LABEL, tenant)
        .build());
    backup.setSpec(new dev.tenantry.crds.backup.TenantBackupSpec(tenant, null));
    return backup;
  }

  private static Optional<Instant> nextAfter(ExecutionTime times, Instant after, ZoneId zone) {
    return times.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
  }

  private static Instant latestNotAfter(ExecutionTime times, Instant due, Instant now, ZoneId zone) {
    return times.lastExecution(now.atZone(zone)).map(ZonedDateTime::toInstant)
        .filter(last -> !last.isBefore(due)).orElse(due);
  }

  private static Plan invalid(String message, Instant now) {
    return new Plan(Optional.of(message), false, null, List.of(), List.of(), null);
  }
}
