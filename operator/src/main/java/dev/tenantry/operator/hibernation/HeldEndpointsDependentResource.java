package dev.tenantry.operator.hibernation;

import dev.tenantry.operator.tenant.dependent.TenantKubernetesDependent;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import java.util.List;
import java.util.Map;

/**
 * The runtime Service's Endpoints while the activator holds a sleeping tenant's calls: the
 * activator's pods. Applied only then and never deleted (once the Service selects the runtime
 * again, the endpoints controller rewrites the same object). Kubernetes' EndpointSlice
 * controller stops managing a Service whose selector goes, but leaves its slices behind (1.20
 * does), and kube-proxy reads slices: the last pod's slice would keep taking a share of the
 * calls to an address nobody answers. So the selector's slices go too; the slice mirrored from
 * these Endpoints is what remains.
 */
public final class HeldEndpointsDependentResource extends TenantKubernetesDependent<Endpoints> {
  static final String SLICE_CONTROLLER = "endpointslice-controller.k8s.io";
  /** discovery.k8s.io/v1 from Kubernetes 1.21, v1beta1 before (and until 1.25). */
  private static final List<String> SLICE_VERSIONS = List.of("v1", "v1beta1");

  public HeldEndpointsDependentResource() {
    super(Endpoints.class, "endpoints", TenantryApi.RUNTIME_SERVICE);
  }

  @Override
  protected Endpoints desired(Tenant tenant, Context<Tenant> context) {
    return model(context).runtime().heldEndpoints().orElseThrow(() ->
        new IllegalStateException("the activator holds no calls of " + tenant.getMetadata().getName()));
  }

  @Override
  public ReconcileResult<Endpoints> reconcile(Tenant tenant, Context<Tenant> context) {
    ReconcileResult<Endpoints> applied = super.reconcile(tenant, context);
    deleteSelectorSlices(context.getClient(), TenantryApi.namespaceOf(tenant.getMetadata().getName()));
    return applied;
  }

  /** One delete of the collection the EndpointSlice controller left for the runtime Service. */
  static void deleteSelectorSlices(KubernetesClient client, String namespace) {
    for (String version : SLICE_VERSIONS) {
      ResourceDefinitionContext slices = new ResourceDefinitionContext.Builder().withGroup("discovery.k8s.io")
          .withVersion(version).withKind("EndpointSlice").withPlural("endpointslices").withNamespaced(true).build();
      try {
        client.genericKubernetesResources(slices).inNamespace(namespace)
            .withLabels(Map.of("kubernetes.io/service-name", TenantryApi.RUNTIME_SERVICE,
                "endpointslice.kubernetes.io/managed-by", SLICE_CONTROLLER))
            .delete();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }
}
