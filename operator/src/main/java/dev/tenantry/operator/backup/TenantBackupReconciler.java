package dev.tenantry.operator.backup;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.backup.BackupArchive.ArchiveInvalid;
import dev.tenantry.operator.backup.BackupArchive.Manifest;
import dev.tenantry.operator.backup.BackupPlanner.BackupFacts;
import dev.tenantry.operator.backup.BackupPlanner.BackupStep;
import dev.tenantry.operator.backup.BackupPlanner.Expire;
import dev.tenantry.operator.backup.BackupPlanner.Fail;
import dev.tenantry.operator.backup.BackupPlanner.Keep;
import dev.tenantry.operator.backup.BackupPlanner.Run;
import dev.tenantry.operator.backup.BackupPlanner.Wait;
import dev.tenantry.operator.backup.BackupStore.BackupStoreException;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.kube.Conditions;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient.EventLogStream;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient.RuntimeCallFailed;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TenantBackup: waits for its tenant to be Ready, streams the runtime's event log
 * (consistent at the position the runtime names) together with the Tenant's spec and its
 * owners' objects into one archive in the backup store, reads the archive back to check it,
 * and shows the result. A Completed backup with a {@code ttl} deletes itself when it expires;
 * deleting a backup deletes its archive.
 */
@ControllerConfiguration(name = TenantBackupReconciler.NAME)
public final class TenantBackupReconciler implements Reconciler<TenantBackup>, Cleaner<TenantBackup> {
  public static final String NAME = "tenantbackup";
  static final String TENANTS = "backup-tenants";
  private static final Duration RETRY_ARCHIVE_DELETE = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(TenantBackupReconciler.class);

  private final BackupStore store;
  private final RuntimeAdminClient runtimes;
  private final Clock clock;
  private final ClusterEvents events;
  private final BackupPlanner planner;

  public TenantBackupReconciler(BackupStore store, RuntimeAdminClient runtimes, BackupSettings settings, Clock clock,
      ClusterEvents events) {
    this.store = store;
    this.runtimes = runtimes;
    this.clock = clock;
    this.events = events;
    this.planner = new BackupPlanner(settings.tenantWait());
  }

  /** Where a backup's archive lives in the store. */
  public static String archiveKey(String tenant, String backup) {
    return "tenants/" + tenant + "/" + backup + ".tnb.gz";
  }

  @Override
  public List<EventSource<?, TenantBackup>> prepareEventSources(EventSourceContext<TenantBackup> context) {
    // a tenant turning Ready (or disappearing) concerns the unfinished backups waiting for it
    var tenants = InformerEventSourceConfiguration.from(Tenant.class, TenantBackup.class)
        .withName(TENANTS)
        .withItemStore(new PrunedItemStore<>())
        .withSecondaryToPrimaryMapper((Tenant tenant) -> context.getPrimaryCache().list()
            .filter(backup -> tenant.getMetadata().getName().equals(backup.getSpec().getTenant()))
            .filter(backup -> !BackupPlanner.finished(backup.getStatus()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(tenants, context));
  }

  @Override
  public UpdateControl<TenantBackup> reconcile(TenantBackup backup, Context<TenantBackup> context) {
    BackupFacts facts = new BackupFacts(backup, tenantSource(context).get(new ResourceID(backup.getSpec().getTenant())),
        clock.instant());
    return carryOut(backup, planner.next(facts), context);
  }

  private UpdateControl<TenantBackup> carryOut(TenantBackup backup, BackupStep step, Context<TenantBackup> context) {
    return switch (step) {
      case Keep keep -> keep.lookAgain().map(after -> UpdateControl.<TenantBackup>noUpdate().rescheduleAfter(after))
          .orElseGet(UpdateControl::noUpdate);
      case Expire expire -> {
        events.normal(backup, "Expired", expire.message());
        context.getClient().resource(backup).delete();
        yield UpdateControl.noUpdate();
      }
      case Wait wait -> {
        patchStatus(backup, BackupStatuses.backupWaiting(backup, wait.reason(), wait.message(), clock.instant()),
            context);
        yield UpdateControl.<TenantBackup>noUpdate().rescheduleAfter(wait.lookAgain());
      }
      case Fail fail -> fail(backup, context, fail.reason(), fail.message());
      case Run run -> run(backup, run.tenant(), context);
    };
  }

  /** Streams the event log with the manifest into the store, then reads the archive back before it counts. */
  private UpdateControl<TenantBackup> run(TenantBackup backup, Tenant tenant, Context<TenantBackup> context) {
    Instant now = clock.instant();
    String tenantName = backup.getSpec().getTenant();
    TenantBackup running = patchStatus(backup, BackupStatuses.backupRunning(backup, now), context);
    String key = archiveKey(tenantName, backup.getMetadata().getName());
    try (EventLogStream log = runtimes.openEventLog(tenant)) {
      Manifest manifest = new Manifest(BackupArchive.FORMAT, tenantName, backup.getMetadata().getName(),
          Conditions.timestamp(now), log.position(), tenant.getMetadata().getLabels(), tenant.getSpec(),
          OwnerObjects.collect(context.getClient(), TenantryApi.namespaceOf(tenantName)));
      BackupStore.Stored stored = store.write(key, out -> BackupArchive.write(out, manifest, log.body()));
      try (InputStream written = store.open(key)) {
        BackupArchive.verify(written, stored.sha256());
      }
      TenantBackup completed = patchStatus(running, BackupStatuses.backupCompleted(running, stored, log.position(),
          tenant.getSpec().getPlan(), clock.instant()), context);
      events.normal(backup, "Completed", "backed up tenant '" + tenantName + "' at event " + log.position()
          + " to " + stored.location() + " (" + stored.sizeBytes() + " bytes)");
      LOG.info("backup {}: tenant {} at event {}, {} bytes", backup.getMetadata().getName(), tenantName,
          log.position(), stored.sizeBytes());
      return carryOut(completed, planner.expiry(completed, clock.instant()), context);
    } catch (RuntimeCallFailed e) {
      BackupFacts facts = new BackupFacts(running, Optional.of(tenant), clock.instant());
      return carryOut(running, planner.afterRuntimeFailed(facts, e.isTransient(), e.getMessage()), context);
    } catch (BackupStoreException e) {
      return fail(running, context, "StoreUnavailable", e.getMessage());
    } catch (ArchiveInvalid e) {
      deleteQuietly(key);
      return fail(running, context, "ArchiveInvalid", "the archive written does not read back: " + e.getMessage());
    } catch (IOException e) {
      deleteQuietly(key);
      return fail(running, context, "ExportInterrupted", "the event log stream of tenant '" + tenantName
          + "' broke off: " + e.getMessage());
    }
  }

  @Override
  public DeleteControl cleanup(TenantBackup backup, Context<TenantBackup> context) {
    try {
      store.delete(archiveKey(backup.getSpec().getTenant(), backup.getMetadata().getName()));
      return DeleteControl.defaultDelete();
    } catch (BackupStoreException e) {
      events.warning(backup, "ArchiveNotDeleted", e.getMessage() + "; trying again in a minute");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RETRY_ARCHIVE_DELETE);
    }
  }

  private UpdateControl<TenantBackup> fail(TenantBackup backup, Context<TenantBackup> context, String reason,
      String message) {
    TenantBackup failed = patchStatus(backup, BackupStatuses.backupFailed(backup, reason, message, clock.instant()),
        context);
    events.warning(backup, reason, message);
    return carryOut(failed, planner.expiry(failed, clock.instant()), context);
  }

  private TenantBackup patchStatus(TenantBackup backup, TenantBackupStatus status, Context<TenantBackup> context) {
    return StatusPatches.apply(backup, status, TenantBackup::new, context);
  }

  private void deleteQuietly(String key) {
    try {
      store.delete(key);
    } catch (BackupStoreException e) {
      LOG.warn("could not delete the unusable archive {}: {}", key, e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<Tenant, TenantBackup> tenantSource(Context<TenantBackup> context) {
    return (InformerEventSource<Tenant, TenantBackup>) context.eventSourceRetriever()
        .getEventSourceFor(Tenant.class, TENANTS);
  }
}
