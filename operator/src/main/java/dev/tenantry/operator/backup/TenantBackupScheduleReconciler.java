package dev.tenantry.operator.backup;

import dev.tenantry.crds.backup.BackupConditions;
import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupScheduleStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.kube.Conditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reconciles a TenantBackupSchedule: the pure {@link BackupSchedulePlanner} decides; this makes
 * the backups it asks for (named after the fire time, so a repeated try makes none twice),
 * deletes the ones it prunes, shows when it fired and fires next, and comes back then. Tenants
 * are listed only when it fires; its own backups are watched so pruning follows their completion.
 */
@ControllerConfiguration(name = TenantBackupScheduleReconciler.NAME)
public final class TenantBackupScheduleReconciler implements Reconciler<TenantBackupSchedule> {
  public static final String NAME = "tenantbackupschedule";
  static final String BACKUPS = "schedule-backups";
  static final String READY = BackupConditions.READY;

  private final BackupSchedulePlanner planner = new BackupSchedulePlanner();
  private final Clock clock;
  private final ClusterEvents events;

  public TenantBackupScheduleReconciler(Clock clock, ClusterEvents events) {
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, TenantBackupSchedule>> prepareEventSources(
      EventSourceContext<TenantBackupSchedule> context) {
    var backups = InformerEventSourceConfiguration.from(TenantBackup.class, TenantBackupSchedule.class)
        .withName(BACKUPS)
        .withLabelSelector(BackupSchedulePlanner.SCHEDULE_LABEL)
        .withSecondaryToPrimaryMapper((TenantBackup backup) -> Set.of(new ResourceID(
            backup.getMetadata().getLabels().get(BackupSchedulePlanner.SCHEDULE_LABEL))))
        .build();
    return List.of(new InformerEventSource<>(backups, context));
  }

  @Override
  public UpdateControl<TenantBackupSchedule> reconcile(TenantBackupSchedule schedule,
      Context<TenantBackupSchedule> context) {
    Instant now = clock.instant();
    String name = schedule.getMetadata().getName();
    List<TenantBackup> made = context.getSecondaryResources(TenantBackup.class).stream()
        .filter(b -> name.equals(b.getMetadata().getLabels().get(BackupSchedulePlanner.SCHEDULE_LABEL)))
        .toList();
    KubernetesClient client = context.getClient();
    // the tenants matter only when it fires: listed then, not watched
    BackupSchedulePlanner.Plan plan = planner.decide(schedule,
        () -> client.resources(Tenant.class).list().getItems(), made, now);
    String lastScheduleTime = schedule.getStatus() == null ? null : schedule.getStatus().getLastScheduleTime();
    if (plan.invalid().isPresent()) {
      patchStatus(schedule, status(schedule, lastScheduleTime, null, List.of(), false, "InvalidSpec",
          plan.invalid().get(), now), context);
      events.warning(schedule, "InvalidSpec", plan.invalid().get());
      return UpdateControl.noUpdate();
    }
    for (TenantBackup backup : plan.create()) {
      try {
        client.resource(backup).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    for (String old : plan.delete()) {
      client.resources(TenantBackup.class).withName(old).delete();
    }
    List<String> lastBackups = schedule.getStatus() == null ? List.of() : schedule.getStatus().getLastBackups();
    String message = "next backups at " + Conditions.timestamp(plan.next());
    if (plan.fires()) {
      lastScheduleTime = Conditions.timestamp(plan.firedAt());
      lastBackups = plan.create().stream().map(b -> b.getMetadata().getName()).toList();
      if (lastBackups.isEmpty()) {
        message = "no tenant matched when it fired at " + lastScheduleTime + "; " + message;
      } else {
        events.normal(schedule, "Fired", "backups " + String.join(", ", lastBackups));
      }
    }
    patchStatus(schedule, status(schedule, lastScheduleTime, plan.next(), lastBackups, true, "Scheduled", message, now),
        context);
    // half a second late, so the fire time has passed when it comes back
    return UpdateControl.<TenantBackupSchedule>noUpdate()
        .rescheduleAfter(Duration.between(now, plan.next()).plusMillis(500));
  }

  private static TenantBackupScheduleStatus status(TenantBackupSchedule schedule, String lastScheduleTime, Instant next,
      List<String> lastBackups, boolean ready, String reason, String message, Instant now) {
    TenantBackupScheduleStatus status = new TenantBackupScheduleStatus();
    status.setLastScheduleTime(lastScheduleTime);
    status.setNextScheduleTime(next == null ? null : Conditions.timestamp(next));
    status.setLastBackups(lastBackups);
    status.setConditions(List.of(Conditions.of(schedule.getStatus() == null ? null : schedule.getStatus().getConditions(),
        READY, ready, reason, message, schedule.getMetadata().getGeneration(), now)));
    return status;
  }

  private void patchStatus(TenantBackupSchedule schedule, TenantBackupScheduleStatus status,
      Context<TenantBackupSchedule> context) {
    StatusPatches.apply(schedule, status, TenantBackupSchedule::new, context);
  }
}
