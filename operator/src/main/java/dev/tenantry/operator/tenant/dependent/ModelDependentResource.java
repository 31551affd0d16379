package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.tenant.model.TenantModel;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;
import java.util.function.Function;

/**
 * A dependent whose desired state is one object of the {@link TenantModel}'s sub-models: the namespace,
 * quota, limit range, network policy, service account, owners' role binding, data claim,
 * Deployment, Service, Ingress or PodDisruptionBudget. Optional objects (absent from the
 * model for this tenant) are deleted instead of reconciled.
 */
public final class ModelDependentResource<R extends HasMetadata> extends TenantKubernetesDependent<R> {

  private final Function<TenantModel, Optional<R>> desiredObject;

  private ModelDependentResource(Class<R> type, String name, String objectName,
      Function<TenantModel, Optional<R>> desiredObject) {
    super(type, name, objectName);
    this.desiredObject = desiredObject;
  }

  /** A dependent for an object every tenant has. */
  public static <R extends HasMetadata> ModelDependentResource<R> always(Class<R> type, String name,
      String objectName, Function<TenantModel, R> object) {
    return new ModelDependentResource<>(type, name, objectName, model -> Optional.of(object.apply(model)));
  }

  /** A dependent for an object only some tenants have. */
  public static <R extends HasMetadata> ModelDependentResource<R> optional(Class<R> type, String name,
      String objectName, Function<TenantModel, Optional<R>> object) {
    return new ModelDependentResource<>(type, name, objectName, object);
  }

  /** Whether this tenant should have the object at all. */
  public boolean wanted(Tenant tenant, Context<Tenant> context) {
    return desiredObject.apply(model(context)).isPresent();
  }

  @Override
  protected R desired(Tenant tenant, Context<Tenant> context) {
    return desiredObject.apply(model(context))
        .orElseThrow(() -> new IllegalStateException(name() + " is not wanted for " + tenant.getMetadata().getName()));
  }
}
