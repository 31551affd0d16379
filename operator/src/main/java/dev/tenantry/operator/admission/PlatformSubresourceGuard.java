package dev.tenantry.operator.admission;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;

/**
 * Subresources reach past the object guard: an exec, attach or port-forward into the runtime's
 * pod, a debug container added to it, or a {@code scale} of its Deployment names the object
 * without sending it, so its label cannot select the request. This guard looks the object up and
 * refuses anyone but the operator and the cluster's controllers when it is the platform's.
 */
final class PlatformSubresourceGuard implements AdmissionRequestHandler {

  private final KubernetesClient client;
  private final String operatorIdentity;

  PlatformSubresourceGuard(KubernetesClient client, String operatorIdentity) {
    this.client = client;
    this.operatorIdentity = operatorIdentity;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    if (ClusterIdentities.trusted(request.getUserInfo(), operatorIdentity) || request.getResource() == null) {
      return AdmissionResponses.allowed();
    }
    GroupVersionResource resource = request.getResource();
    HasMetadata parent = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
            .withGroup(resource.getGroup()).withVersion(resource.getVersion()).withPlural(resource.getResource())
            .withNamespaced(true).build())
        .inNamespace(request.getNamespace()).withName(request.getName()).get();
    if (!PlatformObjectGuard.platformOwned(parent)) {
      return AdmissionResponses.allowed();
    }
    String tenant = TenantryApi.tenantOfNamespace(request.getNamespace()).orElse("?");
    String kind = parent.getKind();
    return AdmissionResponses.denied(request.getSubResource() + " of " + kind + " " + request.getName() + " in "
        + request.getNamespace() + " is the Tenantry platform's and not open to "
        + ClusterIdentities.describe(request.getUserInfo()) + " (rule platform.subresources); "
        + PlatformObjectGuard.instead(kind, tenant));
  }
}
