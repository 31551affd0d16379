package dev.tenantry.operator.admission;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the objects the operator made in a tenant namespace (labelled
 * {@code app.kubernetes.io/managed-by=tenantry-operator}) the operator's alone: only its own
 * identity and the cluster's controllers (namespace deletion, garbage collection, the Deployment
 * and endpoint controllers, kubelets finishing a pod's deletion) may create, change or delete them.
 */
final class PlatformObjectGuard implements io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler {

  private final String operatorIdentity;

  PlatformObjectGuard(String operatorIdentity) {
    this.operatorIdentity = operatorIdentity;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    if (!platformOwned(request.getObject()) && !platformOwned(request.getOldObject())) {
      return AdmissionResponses.allowed();
    }
    if (trusted(request.getUserInfo())) {
      return AdmissionResponses.allowed();
    }
    String kind = request.getKind() == null ? "object" : request.getKind().getKind();
    String tenant = TenantryApi.tenantOfNamespace(request.getNamespace()).orElse("?");
    String verb = switch (String.valueOf(request.getOperation())) {
      case "CREATE" -> "created with the label " + TenantryApi.MANAGED_BY_LABEL + "=" + TenantryApi.MANAGED_BY_VALUE;
      case "DELETE" -> "deleted";
      default -> "changed";
    };
    return AdmissionResponses.denied(kind + " " + request.getName() + " in " + request.getNamespace()
        + " belongs to the Tenantry platform and cannot be " + verb + " by " + ClusterIdentities.describe(request.getUserInfo())
        + "; " + instead(kind, tenant));
  }

  private boolean trusted(UserInfo user) {
    return ClusterIdentities.trusted(user, operatorIdentity);
  }

  /** Which field of the Tenant (or its plan) governs an object of this kind. */
  static String instead(String kind, String tenant) {
    String tenantRef = "Tenant " + tenant;
    return switch (kind) {
      case "ResourceQuota" -> "its limits come from the plan of " + tenantRef + " (spec.plan; TenantPlan spec.quota)";
      case "LimitRange" -> "its defaults come from the plan of " + tenantRef + " (spec.plan; TenantPlan spec.limitRange)";
      case "NetworkPolicy" -> "to allow more traffic, create a NetworkPolicy of your own in the namespace";
      case "RoleBinding" -> "the owners are set in " + tenantRef + " spec.owners";
      case "Deployment", "ReplicaSet", "Pod" ->
          "the runtime is set in " + tenantRef + " spec.runtime (image, replicas, resources) and spec.suspended";
      case "Service", "Ingress" -> "the runtime's endpoints are set in " + tenantRef + " spec.ingress.host";
      case "PersistentVolumeClaim" -> "the data volume comes from the plan of " + tenantRef + " (TenantPlan spec.storage)";
      case "Secret", "ConfigMap" -> "its content comes from " + tenantRef + " and the platform (credentials renew by themselves)";
      default -> "change " + tenantRef + " instead";
    };
  }

  static boolean platformOwned(Object object) {
    if (!(object instanceof HasMetadata resource) || resource.getMetadata() == null) {
      return false;
    }
    Map<String, String> labels = Optional.ofNullable(resource.getMetadata().getLabels()).orElse(Map.of());
    return TenantryApi.MANAGED_BY_VALUE.equals(labels.get(TenantryApi.MANAGED_BY_LABEL));
  }
}
