package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.tenant.model.TenantModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;

/**
 * Base of every Kubernetes object a Tenant owns: server-side applied, owned by the Tenant, and
 * watched by an informer that selects only objects this operator manages.
 */
public abstract class TenantKubernetesDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, Tenant> {

  /**
   * The field manager of every apply the Tenant controller makes; its informers keep only this
   * manager's managedFields entry, which is what decides whether an apply is needed.
   */
  public static final String FIELD_MANAGER = "tenant";

  /** Label selector of every dependent informer: keeps memory bounded to the operator's own objects. */
  public static final String MANAGED_SELECTOR = TenantryApi.MANAGED_BY_LABEL + "=" + TenantryApi.MANAGED_BY_VALUE;

  private final String objectName;

  /**
   * @param objectName the object's name in the tenant namespace; {@code null} for the
   *     namespace itself
   */
  protected TenantKubernetesDependent(Class<R> type, String name, String objectName) {
    super(type, name);
    this.objectName = objectName;
    var informer = InformerConfiguration.builder(type)
        .withName(name)
        .withLabelSelector(MANAGED_SELECTOR)
        .withWatchAllNamespaces()
        .withItemStore(new PrunedItemStore<>(FIELD_MANAGER));
    if (objectName != null) {
      // two dependents of one kind (the TLS and database Secrets) each cache only their own objects
      informer.withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", objectName)));
    }
    configureWith(new KubernetesDependentResourceConfigBuilder<R>()
        .withKubernetesDependentInformerConfig(informer.build())
        .build());
  }

  /** Names the object without computing the desired state (which may itself read the object). */
  @Override
  protected ResourceID targetSecondaryResourceID(Tenant tenant, Context<Tenant> context) {
    String namespace = TenantryApi.namespaceOf(tenant.getMetadata().getName());
    return objectName == null ? new ResourceID(namespace) : new ResourceID(objectName, namespace);
  }

  /** Where the reconciler leaves this reconcile's model for its dependents. */
  public static final String MODEL_KEY = TenantModel.class.getName();

  /** The model the reconciler built (and validated) for this reconcile: dependents never build their own. */
  public static TenantModel model(Context<Tenant> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(MODEL_KEY, TenantModel.class);
  }

  /** Hands {@code model} to the dependents reconciled in this reconcile. */
  public static void share(Context<Tenant> context, TenantModel model) {
    context.managedWorkflowAndDependentResourceContext().put(MODEL_KEY, model);
  }
}
