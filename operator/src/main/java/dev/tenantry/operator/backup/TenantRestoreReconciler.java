package dev.tenantry.operator.backup;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.backup.BackupArchive.ArchiveInvalid;
import dev.tenantry.operator.backup.BackupArchive.Manifest;
import dev.tenantry.operator.backup.BackupStore.BackupStoreException;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient.RuntimeCallFailed;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TenantRestore in three steps, each decided from what exists: (1) check the
 * backup's archive to its end and fix the target and mode (in place, recreate, clone) before
 * anything is written; (2) for a recreate or a clone, create the Tenant from the archived spec
 * and wait for it to be Ready; (3) recreate the owners' objects and load the event log into the
 * runtime, which replaces its store in one transaction. A restore that fails after it created
 * a tenant deletes that tenant again, so nothing half-restored stays behind.
 */
@ControllerConfiguration(name = TenantRestoreReconciler.NAME)
public final class TenantRestoreReconciler implements Reconciler<TenantRestore> {
  public static final String NAME = "tenantrestore";
  /** On a Tenant a restore created: the restore's name (it may delete that tenant if it fails). */
  public static final String RESTORED_BY_ANNOTATION = "backup." + TenantryApi.GROUP + "/restored-by";
  /** On a Tenant a restore created: the backup it came from. */
  public static final String RESTORED_FROM_ANNOTATION = "backup." + TenantryApi.GROUP + "/restored-from";
  static final String TENANTS = "restore-tenants";
  static final String BACKUPS = "restore-backups";
  /** A runtime Ready before its Service routes to it is asked again this soon, until the deadline. */
  static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(3);
  private static final Logger LOG = LoggerFactory.getLogger(TenantRestoreReconciler.class);

  private final BackupStore store;
  private final RuntimeAdminClient runtimes;
  private final BackupSettings settings;
  private final Clock clock;
  private final ClusterEvents events;

  public TenantRestoreReconciler(BackupStore store, RuntimeAdminClient runtimes, BackupSettings settings, Clock clock,
      ClusterEvents events) {
    this.store = store;
    this.runtimes = runtimes;
    this.settings = settings;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, TenantRestore>> prepareEventSources(EventSourceContext<TenantRestore> context) {
    var tenants = InformerEventSourceConfiguration.from(Tenant.class, TenantRestore.class)
        .withName(TENANTS)
        .withItemStore(new PrunedItemStore<>())
        .withSecondaryToPrimaryMapper((Tenant tenant) -> context.getPrimaryCache().list()
            .filter(restore -> !finished(restore.getStatus()))
            .filter(restore -> tenant.getMetadata().getName().equals(
                restore.getStatus() == null ? null : restore.getStatus().getRestoredTenant()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    var backups = InformerEventSourceConfiguration.from(TenantBackup.class, TenantRestore.class)
        .withName(BACKUPS)
        .withSecondaryToPrimaryMapper((TenantBackup backup) -> context.getPrimaryCache().list()
            .filter(restore -> !finished(restore.getStatus()))
            .filter(restore -> backup.getMetadata().getName().equals(restore.getSpec().getBackup()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(tenants, context), new InformerEventSource<>(backups, context));
  }

  @Override
  public UpdateControl<TenantRestore> reconcile(TenantRestore restore, Context<TenantRestore> context) {
    if (finished(restore.getStatus())) {
      return UpdateControl.noUpdate();
    }
    Optional<TenantBackup> backup = backupSource(context).get(new ResourceID(restore.getSpec().getBackup()));
    if (restore.getStatus() == null || restore.getStatus().getMode() == null) {
      return start(restore, backup, context);
    }
    if (backup.isEmpty()) {
      return fail(restore, context, "BackupNotFound", "backup '" + restore.getSpec().getBackup()
          + "' was deleted while it was being restored");
    }
    return restoreInto(restore, backup.get(), context);
  }

  /** Step 1: nothing is written until the archive has been read to its end and the target is known. */
  private UpdateControl<TenantRestore> start(TenantRestore restore, Optional<TenantBackup> found,
      Context<TenantRestore> context) {
    String backupName = restore.getSpec().getBackup();
    if (found.isEmpty()) {
      return fail(restore, context, "BackupNotFound", "there is no backup '" + backupName + "'");
    }
    TenantBackup backup = found.get();
    if (backup.getStatus() != null && backup.getStatus().getPhase() == BackupPhase.Failed) {
      return fail(restore, context, "BackupFailed", "backup '" + backupName + "' failed; it holds nothing to restore");
    }
    if (!backup.isCompleted()) {
      patchStatus(restore, BackupStatuses.restoreWaiting(restore, "BackupNotComplete",
          "waiting for backup '" + backupName + "' to complete", clock.instant()), context);
      return UpdateControl.noUpdate();
    }
    String source = backup.getSpec().getTenant();
    String target = restore.getSpec().getTarget() == null || restore.getSpec().getTarget().getTenant() == null
        ? source : restore.getSpec().getTarget().getTenant();
    boolean exists = tenantSource(context).get(new ResourceID(target)).isPresent();
    if (exists && !target.equals(source)) {
      return fail(restore, context, "TargetExists", "tenant '" + target + "' exists and is not the backup's tenant '"
          + source + "': restore into a new name (a clone), or into '" + source + "' itself");
    }
    RestoreMode mode = exists ? RestoreMode.InPlace : target.equals(source) ? RestoreMode.Recreate : RestoreMode.Clone;
    Manifest manifest;
    try (InputStream archive = store.open(archiveKey(backup))) {
      manifest = BackupArchive.verify(archive, backup.getStatus().getSha256());
    } catch (ArchiveInvalid e) {
      return fail(restore, context, "ArchiveCorrupt", "backup '" + backupName + "': " + e.getMessage());
    } catch (BackupStoreException | IOException e) {
      return fail(restore, context, "StoreUnavailable", e.getMessage());
    }
    TenantRestore started = patchStatus(restore, BackupStatuses.restoreStarted(restore, mode, target,
        backup.getStatus().getSizeBytes(), manifest.eventPosition(), clock.instant()), context);
    events.normal(restore, "Started", mode + " of backup '" + backupName + "' into tenant '" + target + "'");
    return restoreInto(started, backup, context);
  }

  /** Steps 2 and 3. */
  private UpdateControl<TenantRestore> restoreInto(TenantRestore restore, TenantBackup backup,
      Context<TenantRestore> context) {
    TenantRestoreStatus status = restore.getStatus();
    String target = status.getRestoredTenant();
    Optional<Tenant> tenant = tenantSource(context).get(new ResourceID(target));
    boolean creates = status.getMode() != RestoreMode.InPlace;
    if (tenant.isEmpty()) {
      if (!creates) {
        return fail(restore, context, "TargetGone", "tenant '" + target + "' was deleted during its restore");
      }
      return createTenant(restore, backup, target, context);
    }
    if (creates && !restore.getMetadata().getName().equals(annotation(tenant.get(), RESTORED_BY_ANNOTATION))) {
      return fail(restore, context, "TargetExists", "tenant '" + target + "' was created by someone else meanwhile");
    }
    Instant now = clock.instant();
    Instant deadline = Instant.parse(status.getStartedAt()).plus(settings.tenantWait());
    if (!TenantBackupReconciler.ready(tenant.get())) {
      if (!now.isBefore(deadline)) {
        undo(restore, tenant.get(), context);
        return fail(restore, context, "TargetNotReady", "tenant '" + target + "' was not Ready within "
            + settings.tenantWait().toSeconds() + " s" + (creates ? "; the tenant this restore created is deleted" : ""));
      }
      patchStatus(restore, BackupStatuses.restoreWaiting(restore, "WaitingForTenant",
          "waiting for tenant '" + target + "' to be Ready before its data is loaded", now), context);
      return UpdateControl.<TenantRestore>noUpdate().rescheduleAfter(Duration.between(now, deadline));
    }
    try {
      Manifest manifest = manifest(backup);
      OwnerObjects.Restored objects = OwnerObjects.restore(context.getClient(), TenantryApi.namespaceOf(target),
          manifest.objects() == null ? List.of() : manifest.objects());
      long position = runtimes.loadEventLog(tenant.get(), status.getMode() == RestoreMode.InPlace,
          () -> eventLog(backup));
      patchStatus(restore, BackupStatuses.restoreCompleted(restore, position, objects.created(), objects.skipped(),
          clock.instant()), context);
      events.normal(restore, "Completed", "tenant '" + target + "' restored from backup '"
          + backup.getMetadata().getName() + "' at event " + position);
      LOG.info("restore {}: backup {} into tenant {} ({}), {} events", restore.getMetadata().getName(),
          backup.getMetadata().getName(), target, status.getMode(), position);
      return UpdateControl.noUpdate();
    } catch (RuntimeCallFailed e) {
      if (e.isTransient() && clock.instant().isBefore(deadline)) {
        patchStatus(restore, BackupStatuses.restoreWaiting(restore, "RuntimeUnreachable",
            e.getMessage() + "; trying again", clock.instant()), context);
        return UpdateControl.<TenantRestore>noUpdate().rescheduleAfter(RETRY_UNREACHABLE);
      }
      undo(restore, tenant.get(), context);
      return fail(restore, context, "RuntimeRefused", e.getMessage()
          + (creates ? "; the tenant this restore created is deleted" : "; the tenant's data is unchanged"));
    } catch (ArchiveInvalid | BackupStoreException | IOException e) {
      undo(restore, tenant.get(), context);
      return fail(restore, context, "StoreUnavailable", e.getMessage());
    }
  }

  private UpdateControl<TenantRestore> createTenant(TenantRestore restore, TenantBackup backup, String target,
      Context<TenantRestore> context) {
    Manifest manifest;
    try {
      manifest = manifest(backup);
    } catch (ArchiveInvalid | BackupStoreException | IOException e) {
      return fail(restore, context, "StoreUnavailable", e.getMessage());
    }
    Map<String, String> labels = new LinkedHashMap<>(manifest.labels() == null ? Map.of() : manifest.labels());
    labels.remove(TenantryApi.ROLLOUT_LABEL);
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(target).withLabels(labels)
        .addToAnnotations(RESTORED_BY_ANNOTATION, restore.getMetadata().getName())
        .addToAnnotations(RESTORED_FROM_ANNOTATION, backup.getMetadata().getName())
        .build());
    tenant.setSpec(manifest.spec());
    try {
      context.getClient().resource(tenant).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return fail(restore, context, "TargetExists", "tenant '" + target + "' was created by someone else meanwhile");
      }
      return fail(restore, context, "TenantRefused", "the API server refused tenant '" + target + "': "
          + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
    }
    patchStatus(restore, BackupStatuses.restoreWaiting(restore, "WaitingForTenant",
        "created tenant '" + target + "' from the backup's spec; waiting for it to be Ready", clock.instant()), context);
    // the tenant informer brings the restore back as the tenant provisions; the deadline is the fallback
    return UpdateControl.<TenantRestore>noUpdate().rescheduleAfter(settings.tenantWait());
  }

  /** The archive's first line: what it holds besides the event log. */
  private Manifest manifest(TenantBackup backup) throws ArchiveInvalid, BackupStoreException, IOException {
    try (BackupArchive.Opened opened = BackupArchive.open(store.open(archiveKey(backup)))) {
      return opened.manifest();
    }
  }

  /** The archive's event log, opened afresh for each attempt to send it. */
  private InputStream eventLog(TenantBackup backup) {
    try {
      return BackupArchive.open(store.open(archiveKey(backup))).eventLog();
    } catch (ArchiveInvalid | BackupStoreException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  /** A tenant this restore created goes again; a tenant restored in place keeps its (unchanged) data. */
  private void undo(TenantRestore restore, Tenant tenant, Context<TenantRestore> context) {
    if (restore.getStatus().getMode() != RestoreMode.InPlace
        && restore.getMetadata().getName().equals(annotation(tenant, RESTORED_BY_ANNOTATION))) {
      context.getClient().resource(tenant).delete();
    }
  }

  private UpdateControl<TenantRestore> fail(TenantRestore restore, Context<TenantRestore> context, String reason,
      String message) {
    patchStatus(restore, BackupStatuses.restoreFailed(restore, reason, message, clock.instant()), context);
    events.warning(restore, reason, message);
    return UpdateControl.noUpdate();
  }

  private TenantRestore patchStatus(TenantRestore restore, TenantRestoreStatus status, Context<TenantRestore> context) {
    return StatusPatches.apply(restore, status, TenantRestore::new, context);
  }

  private static String archiveKey(TenantBackup backup) {
    return TenantBackupReconciler.archiveKey(backup.getSpec().getTenant(), backup.getMetadata().getName());
  }

  private static String annotation(Tenant tenant, String name) {
    Map<String, String> annotations = tenant.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }

  static boolean finished(TenantRestoreStatus status) {
    return status != null && status.getPhase() != null && status.getPhase().finished();
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<Tenant, TenantRestore> tenantSource(Context<TenantRestore> context) {
    return (InformerEventSource<Tenant, TenantRestore>) context.eventSourceRetriever()
        .getEventSourceFor(Tenant.class, TENANTS);
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<TenantBackup, TenantRestore> backupSource(Context<TenantRestore> context) {
    return (InformerEventSource<TenantBackup, TenantRestore>) context.eventSourceRetriever()
        .getEventSourceFor(TenantBackup.class, BACKUPS);
  }
}
