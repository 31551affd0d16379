package dev.tenantry.operator.backup;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.backup.BackupArchive.ArchiveInvalid;
import dev.tenantry.operator.backup.BackupArchive.Manifest;
import dev.tenantry.operator.backup.BackupStore.BackupStoreException;
import dev.tenantry.operator.backup.RestorePlanner.CreateTenant;
import dev.tenantry.operator.backup.RestorePlanner.Fail;
import dev.tenantry.operator.backup.RestorePlanner.Finished;
import dev.tenantry.operator.backup.RestorePlanner.Load;
import dev.tenantry.operator.backup.RestorePlanner.RestoreFacts;
import dev.tenantry.operator.backup.RestorePlanner.Verify;
import dev.tenantry.operator.backup.RestorePlanner.Wait;
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
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TenantRestore: {@link RestorePlanner} decides the next step from the restore, its
 * backup and its target tenant; this class carries it out (reads the archive, creates the
 * tenant, loads the owners' objects and the event log) and shows the status. A restore that fails
 * after it created a tenant deletes that tenant again, so nothing half-restored stays behind.
 */
@ControllerConfiguration(name = TenantRestoreReconciler.NAME)
public final class TenantRestoreReconciler implements Reconciler<TenantRestore> {
  public static final String NAME = "tenantrestore";
  static final String TENANTS = "restore-tenants";
  static final String BACKUPS = "restore-backups";
  private static final Logger LOG = LoggerFactory.getLogger(TenantRestoreReconciler.class);

  private final BackupStore store;
  private final RuntimeAdminClient runtimes;
  private final BackupSettings settings;
  private final Clock clock;
  private final ClusterEvents events;
  private final RestorePlanner planner;

  public TenantRestoreReconciler(BackupStore store, RuntimeAdminClient runtimes, BackupSettings settings, Clock clock,
      ClusterEvents events) {
    this.store = store;
    this.runtimes = runtimes;
    this.settings = settings;
    this.clock = clock;
    this.events = events;
    this.planner = new RestorePlanner(settings.tenantWait());
  }

  @Override
  public List<EventSource<?, TenantRestore>> prepareEventSources(EventSourceContext<TenantRestore> context) {
    var tenants = InformerEventSourceConfiguration.from(Tenant.class, TenantRestore.class)
        .withName(TENANTS)
        .withItemStore(new PrunedItemStore<>())
        .withSecondaryToPrimaryMapper((Tenant tenant) -> context.getPrimaryCache().list()
            .filter(restore -> !RestorePlanner.finished(restore.getStatus()))
            .filter(restore -> tenant.getMetadata().getName().equals(
                restore.getStatus() == null ? null : restore.getStatus().getRestoredTenant()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    var backups = InformerEventSourceConfiguration.from(TenantBackup.class, TenantRestore.class)
        .withName(BACKUPS)
        .withSecondaryToPrimaryMapper((TenantBackup backup) -> context.getPrimaryCache().list()
            .filter(restore -> !RestorePlanner.finished(restore.getStatus()))
            .filter(restore -> backup.getMetadata().getName().equals(restore.getSpec().getBackup()))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(tenants, context), new InformerEventSource<>(backups, context));
  }

  @Override
  public UpdateControl<TenantRestore> reconcile(TenantRestore restore, Context<TenantRestore> context) {
    RestoreFacts facts = facts(restore, context);
    return switch (planner.next(facts)) {
      case Finished finished -> UpdateControl.noUpdate();
      case Wait wait -> waiting(restore, wait, context);
      case Fail fail -> fail(restore, fail, context);
      case Verify verify -> verify(restore, verify, context);
      case CreateTenant create -> createTenant(restore, create, context);
      case Load load -> load(facts, load, context);
    };
  }

  private RestoreFacts facts(TenantRestore restore, Context<TenantRestore> context) {
    Optional<TenantBackup> backup = backupSource(context).get(new ResourceID(restore.getSpec().getBackup()));
    Optional<Tenant> target = RestorePlanner.targetOf(restore, backup)
        .flatMap(name -> tenantSource(context).get(new ResourceID(name)));
    return new RestoreFacts(restore, backup, target, clock.instant());
  }

  /** Step 1: nothing is written until the archive has been read to its end; then on at once. */
  private UpdateControl<TenantRestore> verify(TenantRestore restore, Verify verify, Context<TenantRestore> context) {
    TenantBackup backup = verify.backup();
    Manifest manifest;
    try {
      manifest = new RestoreSource(store, backup).verify();
    } catch (ArchiveInvalid e) {
      return fail(restore, new Fail("ArchiveCorrupt", "backup '" + backup.getMetadata().getName() + "': "
          + e.getMessage(), false), context);
    } catch (BackupStoreException | IOException e) {
      return fail(restore, new Fail("StoreUnavailable", e.getMessage(), false), context);
    }
    TenantRestore started = patchStatus(restore, BackupStatuses.restoreStarted(restore, verify.mode(),
        verify.target(), backup.getStatus().getSizeBytes(), manifest.eventPosition(), clock.instant()), context);
    events.normal(restore, "Started", verify.mode() + " of backup '" + backup.getMetadata().getName()
        + "' into tenant '" + verify.target() + "'");
    return reconcile(started, context);
  }

  /** Step 2, for a recreate or a clone: the tenant from the archived spec, marked as this restore's. */
  private UpdateControl<TenantRestore> createTenant(TenantRestore restore, CreateTenant create,
      Context<TenantRestore> context) {
    String target = create.target();
    Manifest manifest;
    try {
      manifest = new RestoreSource(store, create.backup()).manifest();
    } catch (ArchiveInvalid | BackupStoreException | IOException e) {
      return fail(restore, new Fail("StoreUnavailable", e.getMessage(), false), context);
    }
    Map<String, String> labels = new LinkedHashMap<>(manifest.labels() == null ? Map.of() : manifest.labels());
    labels.remove(TenantryApi.ROLLOUT_LABEL);
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(target).withLabels(labels)
        .addToAnnotations(TenantryApi.RESTORED_BY_ANNOTATION, restore.getMetadata().getName())
        .addToAnnotations(TenantryApi.RESTORED_FROM_ANNOTATION, create.backup().getMetadata().getName())
        .build());
    tenant.setSpec(manifest.spec());
    try {
      context.getClient().resource(tenant).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return fail(restore, new Fail("TargetExists", "tenant '" + target + "' was created by someone else meanwhile",
            false), context);
      }
      return fail(restore, new Fail("TenantRefused", "the API server refused tenant '" + target + "': "
          + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()), false), context);
    }
    // the tenant informer brings the restore back as the tenant provisions; the deadline is the fallback
    return waiting(restore, new Wait("WaitingForTenant", "created tenant '" + target
        + "' from the backup's spec; waiting for it to be Ready", Optional.of(settings.tenantWait())), context);
  }

  /** Step 3: the owners' objects, then the event log, which the runtime swaps in in one transaction. */
  private UpdateControl<TenantRestore> load(RestoreFacts facts, Load load, Context<TenantRestore> context) {
    TenantRestore restore = facts.restore();
    TenantRestoreStatus status = restore.getStatus();
    String target = status.getRestoredTenant();
    RestoreSource source = new RestoreSource(store, load.backup());
    try {
      Manifest manifest = source.manifest();
      OwnerObjects.Restored objects = OwnerObjects.restore(context.getClient(), TenantryApi.namespaceOf(target),
          manifest.objects() == null ? List.of() : manifest.objects());
      long position = runtimes.loadEventLog(load.tenant(), status.getMode() == RestoreMode.InPlace, source::eventLog);
      patchStatus(restore, BackupStatuses.restoreCompleted(restore, position, objects.created(), objects.skipped(),
          clock.instant()), context);
      events.normal(restore, "Completed", "tenant '" + target + "' restored from backup '"
          + load.backup().getMetadata().getName() + "' at event " + position);
      LOG.info("restore {}: backup {} into tenant {} ({}), {} events", restore.getMetadata().getName(),
          load.backup().getMetadata().getName(), target, status.getMode(), position);
      return UpdateControl.noUpdate();
    } catch (RuntimeCallFailed e) {
      RestoreFacts now = new RestoreFacts(restore, facts.backup(), facts.target(), clock.instant());
      return switch (planner.afterLoadFailed(now, e.isTransient(), e.getMessage())) {
        case Wait wait -> waiting(restore, wait, context);
        case Fail fail -> fail(restore, fail, context);
        default -> throw new IllegalStateException("a failed load either waits or fails");
      };
    } catch (ArchiveInvalid | BackupStoreException | IOException e) {
      return fail(restore, new Fail("StoreUnavailable", e.getMessage(), true), context);
    }
  }

  private UpdateControl<TenantRestore> waiting(TenantRestore restore, Wait wait, Context<TenantRestore> context) {
    patchStatus(restore, BackupStatuses.restoreWaiting(restore, wait.reason(), wait.message(), clock.instant()),
        context);
    return wait.lookAgain().map(after -> UpdateControl.<TenantRestore>noUpdate().rescheduleAfter(after))
        .orElseGet(UpdateControl::noUpdate);
  }

  private UpdateControl<TenantRestore> fail(TenantRestore restore, Fail fail, Context<TenantRestore> context) {
    if (fail.undo()) {
      undo(restore, context);
    }
    patchStatus(restore, BackupStatuses.restoreFailed(restore, fail.reason(), fail.message(), clock.instant()),
        context);
    events.warning(restore, fail.reason(), fail.message());
    return UpdateControl.noUpdate();
  }

  /** A tenant this restore created goes again; a tenant restored in place keeps its (unchanged) data. */
  private void undo(TenantRestore restore, Context<TenantRestore> context) {
    TenantRestoreStatus status = restore.getStatus();
    if (status == null || status.getMode() == null || status.getMode() == RestoreMode.InPlace) {
      return;
    }
    tenantSource(context).get(new ResourceID(status.getRestoredTenant()))
        .filter(tenant -> RestorePlanner.createdBy(restore, tenant))
        .ifPresent(tenant -> context.getClient().resource(tenant).delete());
  }

  private TenantRestore patchStatus(TenantRestore restore, TenantRestoreStatus status, Context<TenantRestore> context) {
    return StatusPatches.apply(restore, status, TenantRestore::new, context);
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
