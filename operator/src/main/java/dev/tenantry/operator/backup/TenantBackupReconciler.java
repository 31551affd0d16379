package dev.tenantry.operator.backup;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.backup.BackupArchive.ArchiveInvalid;
import dev.tenantry.operator.backup.BackupArchive.Manifest;
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
  private final BackupSettings settings;
  private final Clock clock;
  private final ClusterEvents events;

  public TenantBackupReconciler(BackupStore store, RuntimeAdminClient runtimes, BackupSettings settings, Clock clock,
      ClusterEvents events) {
    this.store = store;
    this.runtimes = runtimes;
    this.settings = settings;
    this.clock = clock;
    this.events = events;
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
            .filter(backup -> !finished(backup.getStatus()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(tenants, context));
  }

  @Override
  public UpdateControl<TenantBackup> reconcile(TenantBackup backup, Context<TenantBackup> context) {
    if (finished(backup.getStatus())) {
      return expire(backup, context);
    }
    Instant now = clock.instant();
    String tenantName = backup.getSpec().getTenant();
    Optional<Tenant> tenant = tenantSource(context).get(new ResourceID(tenantName));
    if (tenant.isEmpty()) {
      return fail(backup, context, "TenantNotFound", "there is no tenant '" + tenantName + "' to back up");
    }
    if (!ready(tenant.get())) {
      Instant deadline = created(backup).plus(settings.tenantWait());
      String state = tenant.get().getStatus() == null || tenant.get().getStatus().getPhase() == null ? "no phase yet"
          : "phase " + tenant.get().getStatus().getPhase();
      if (!now.isBefore(deadline)) {
        return fail(backup, context, "TenantNotReady", "tenant '" + tenantName + "' was not Ready within "
            + settings.tenantWait().toSeconds() + " s (" + state + "); its runtime must run to be backed up");
      }
      patchStatus(backup, BackupStatuses.backupWaiting(backup, "TenantNotReady",
          "waiting for tenant '" + tenantName + "' to be Ready (" + state + ")", now), context);
      return UpdateControl.<TenantBackup>noUpdate().rescheduleAfter(Duration.between(now, deadline));
    }
    TenantBackup running = patchStatus(backup, BackupStatuses.backupRunning(backup, now), context);
    String key = archiveKey(tenantName, backup.getMetadata().getName());
    try (EventLogStream log = runtimes.openEventLog(tenant.get())) {
      Manifest manifest = new Manifest(BackupArchive.FORMAT, tenantName, backup.getMetadata().getName(),
          Conditions.timestamp(now), log.position(), tenant.get().getMetadata().getLabels(), tenant.get().getSpec(),
          OwnerObjects.collect(context.getClient(), TenantryApi.namespaceOf(tenantName)));
      BackupStore.Stored stored = store.write(key, out -> BackupArchive.write(out, manifest, log.body()));
      try (InputStream written = store.open(key)) {
        BackupArchive.verify(written, stored.sha256());
      }
      TenantBackup completed = patchStatus(running, BackupStatuses.backupCompleted(running, stored, log.position(),
          tenant.get().getSpec().getPlan(), clock.instant()), context);
      events.normal(backup, "Completed", "backed up tenant '" + tenantName + "' at event " + log.position()
          + " to " + stored.location() + " (" + stored.sizeBytes() + " bytes)");
      LOG.info("backup {}: tenant {} at event {}, {} bytes", backup.getMetadata().getName(), tenantName,
          log.position(), stored.sizeBytes());
      return expire(completed, context);
    } catch (RuntimeCallFailed e) {
      Instant deadline = created(backup).plus(settings.tenantWait());
      if (e.isTransient() && clock.instant().isBefore(deadline)) {
        patchStatus(running, BackupStatuses.backupWaiting(running, "RuntimeUnreachable",
            e.getMessage() + "; trying again", clock.instant()), context);
        return UpdateControl.<TenantBackup>noUpdate().rescheduleAfter(TenantRestoreReconciler.RETRY_UNREACHABLE);
      }
      return fail(running, context, "RuntimeUnavailable", e.getMessage());
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

  /** A finished backup with a ttl goes when it expires; its archive goes with it (see {@link #cleanup}). */
  private UpdateControl<TenantBackup> expire(TenantBackup backup, Context<TenantBackup> context) {
    String ttl = backup.getSpec().getTtl();
    TenantBackupStatus status = backup.getStatus();
    if (ttl == null || status == null || status.getCompletedAt() == null) {
      return UpdateControl.noUpdate();
    }
    Instant expiry = Instant.parse(status.getCompletedAt()).plus(Duration.parse(ttl));
    Instant now = clock.instant();
    if (now.isBefore(expiry)) {
      return UpdateControl.<TenantBackup>noUpdate().rescheduleAfter(Duration.between(now, expiry));
    }
    events.normal(backup, "Expired", "ttl " + ttl + " passed since " + status.getCompletedAt());
    context.getClient().resource(backup).delete();
    return UpdateControl.noUpdate();
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
    return expire(failed, context);
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

  static boolean finished(TenantBackupStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().finished();
  }

  /** Ready with a runtime that answers: the only state whose event log can be read. */
  static boolean ready(Tenant tenant) {
    var status = tenant.getStatus();
    return status != null && status.getPhase() == Phase.Ready && status.getRuntime() != null
        && status.getRuntime().getReadyReplicas() != null && status.getRuntime().getReadyReplicas() > 0;
  }

  private Instant created(TenantBackup backup) {
    String created = backup.getMetadata().getCreationTimestamp();
    return created == null ? clock.instant() : Instant.parse(created);
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<Tenant, TenantBackup> tenantSource(Context<TenantBackup> context) {
    return (InformerEventSource<Tenant, TenantBackup>) context.eventSourceRetriever()
        .getEventSourceFor(Tenant.class, TENANTS);
  }
}
