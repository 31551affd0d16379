package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.SecretData;
import dev.tenantry.operator.tenant.model.CredentialsModel;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/** Tenant name, features and the platform JWKS, kept in step with the control API's key. */
public final class ConfigMapDependentResource extends TenantKubernetesDependent<ConfigMap> {

  /** Name of the event source that watches the platform JWKS Secret. */
  public static final String JWKS_EVENT_SOURCE = "platform-jwks";

  public ConfigMapDependentResource() {
    super(ConfigMap.class, "config", CredentialsModel.CONFIG_MAP_NAME);
  }

  @Override
  protected ConfigMap desired(Tenant tenant, Context<Tenant> context) {
    return model(context).credentials().configMap(platformJwks(context).orElseThrow(
        () -> new IllegalStateException("the platform JWKS is not published yet")));
  }

  /** The JWKS the control API published, if it has. */
  public static Optional<String> platformJwks(Context<Tenant> context) {
    return context.getSecondaryResource(Secret.class, JWKS_EVENT_SOURCE)
        .map(Secret::getData)
        .map(data -> data.get(TenantryApi.JWKS_KEY))
        .map(SecretData::decode);
  }
}
