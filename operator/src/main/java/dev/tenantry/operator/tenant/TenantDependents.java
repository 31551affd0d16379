package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import dev.tenantry.operator.tenant.dependent.DatabaseSecretDependentResource;
import dev.tenantry.operator.hibernation.HeldEndpointsDependentResource;
import dev.tenantry.operator.tenant.dependent.ModelDependentResource;
import dev.tenantry.operator.tenant.dependent.TenantDatabaseDependentResource;
import dev.tenantry.operator.tenant.dependent.TlsSecretDependentResource;
import dev.tenantry.operator.tenant.model.NamespacePolicyModel;
import dev.tenantry.operator.tenant.model.PlatformSettings;
import dev.tenantry.operator.tenant.model.RuntimeWorkloadModel;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every object a Tenant owns, one dependent each, with the model object that gives its desired
 * state: made in one place so the reconciler only arranges them into steps.
 */
final class TenantDependents {

  final ModelDependentResource<Namespace> namespace;
  final ModelDependentResource<ResourceQuota> quota;
  final ModelDependentResource<LimitRange> limitRange;
  final ModelDependentResource<NetworkPolicy> networkPolicy;
  final ModelDependentResource<ServiceAccount> serviceAccount;
  final ModelDependentResource<RoleBinding> owners;
  final ConfigMapDependentResource configMap;
  final TlsSecretDependentResource tlsSecret;
  final DatabaseSecretDependentResource databaseSecret;
  final Optional<TenantDatabaseDependentResource> database;
  final ModelDependentResource<PersistentVolumeClaim> dataClaim;
  final ModelDependentResource<Deployment> deployment;
  final ModelDependentResource<Service> service;
  final HeldEndpointsDependentResource heldEndpoints;
  final ModelDependentResource<Ingress> ingress;
  final Optional<ModelDependentResource<PodDisruptionBudget>> disruptionBudget;

  TenantDependents(PlatformSettings settings, CertificateAuthority ca, Optional<TenantDatabases> databases,
      Clock clock) {
    namespace = ModelDependentResource.always(Namespace.class, "namespace", null,
        m -> m.namespacePolicy().namespace());
    quota = ModelDependentResource.always(ResourceQuota.class, "quota", NamespacePolicyModel.QUOTA_NAME,
        m -> m.namespacePolicy().resourceQuota());
    limitRange = ModelDependentResource.always(LimitRange.class, "limitrange", NamespacePolicyModel.LIMIT_RANGE_NAME,
        m -> m.namespacePolicy().limitRange());
    networkPolicy = ModelDependentResource.always(NetworkPolicy.class, "networkpolicy",
        NamespacePolicyModel.NETWORK_POLICY_NAME, m -> m.namespacePolicy().networkPolicy());
    serviceAccount = ModelDependentResource.always(ServiceAccount.class, "serviceaccount",
        NamespacePolicyModel.SERVICE_ACCOUNT_NAME, m -> m.namespacePolicy().serviceAccount());
    owners = ModelDependentResource.optional(RoleBinding.class, "owners", NamespacePolicyModel.OWNERS_ROLE_BINDING_NAME,
        m -> m.namespacePolicy().ownersRoleBinding());
    configMap = new ConfigMapDependentResource();
    tlsSecret = new TlsSecretDependentResource(ca, clock);
    databaseSecret = new DatabaseSecretDependentResource();
    database = databases.map(db -> new TenantDatabaseDependentResource(db, databaseSecret));
    dataClaim = ModelDependentResource.always(PersistentVolumeClaim.class, "dataclaim",
        RuntimeWorkloadModel.DATA_CLAIM_NAME, m -> m.runtime().dataClaim());
    deployment = ModelDependentResource.always(Deployment.class, "deployment", TenantryApi.RUNTIME_SERVICE,
        m -> m.runtime().deployment());
    service = ModelDependentResource.always(Service.class, "service", TenantryApi.RUNTIME_SERVICE,
        m -> m.runtime().service());
    heldEndpoints = new HeldEndpointsDependentResource();
    ingress = ModelDependentResource.optional(Ingress.class, "ingress", TenantryApi.RUNTIME_SERVICE,
        m -> m.runtime().ingress());
    disruptionBudget = settings.podDisruptionBudgets()
        ? Optional.of(ModelDependentResource.optional(PodDisruptionBudget.class, "pdb", TenantryApi.RUNTIME_SERVICE,
            m -> m.runtime().podDisruptionBudget()))
        : Optional.empty();
  }

  /** All of them, for their event sources. */
  @SuppressWarnings("unchecked")
  DependentResource<?, Tenant>[] all() {
    List<DependentResource<?, Tenant>> all = new ArrayList<>(List.of(namespace, quota, limitRange, networkPolicy,
        serviceAccount, owners, configMap, tlsSecret, databaseSecret, dataClaim, deployment, service, heldEndpoints,
        ingress));
    database.ifPresent(all::add);
    disruptionBudget.ifPresent(all::add);
    return all.toArray(DependentResource[]::new);
  }
}
