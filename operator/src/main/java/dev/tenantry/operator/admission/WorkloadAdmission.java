package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pods in a tenant namespace must meet the plan's policy (Pod Security level, registries,
 * scheduling), whoever creates them, the ReplicaSet controller included. A workload whose pod
 * template would be refused is accepted with a warning per violation, as PodSecurity admission
 * does, so {@code kubectl apply} shows the problem at once instead of a ReplicaSet failing
 * quietly. A pod or template that would pass as the platform's is refused outright.
 */
final class WorkloadAdmission implements AdmissionRequestHandler {

  private final TenantPolicies policies;

  WorkloadAdmission(TenantPolicies policies) {
    this.policies = policies;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    Object object = request.getObject();
    Optional<PodTemplates.PodShape> pod = PodTemplates.of(object);
    if (pod.isEmpty()) {
      return AdmissionResponses.allowed();
    }
    TenantPolicies.NamespacePolicy policy = policies.forNamespace(request.getNamespace());
    // labels count even when the spec stays: relabelling a pod is how it would join the runtime's Service
    if (!PlatformObjectGuard.platformOwned(object)) {
      List<String> impersonation = PlatformPodRules.violations(pod.get(), policy.tenant(),
          policies.platformObjects(request.getNamespace()));
      if (!impersonation.isEmpty()) {
        return AdmissionResponses.denied(String.join("; ", impersonation));
      }
    }
    if (unchangedPod(request)) {
      return AdmissionResponses.allowed();
    }
    String previousNode = request.getOldObject() instanceof Pod before && before.getSpec() != null
        ? before.getSpec().getNodeName() : null;
    List<String> violations = PodPolicy.violations(pod.get(), policy.plan(), policy.policy(),
        policies.clusterDefaultPriorityClass(), previousNode);
    if (violations.isEmpty()) {
      return AdmissionResponses.allowed();
    }
    if (object instanceof Pod) {
      return AdmissionResponses.denied(String.join("; ", violations));
    }
    return AdmissionResponses.allowedWithWarnings(violations.stream()
        .map(v -> "would not be allowed to run: " + v)
        .toList());
  }

  /** An update that leaves a pod's spec as it was (labels, annotations) is not re-judged, as PodSecurity does. */
  private static boolean unchangedPod(AdmissionRequest request) {
    return "UPDATE".equals(request.getOperation()) && request.getObject() instanceof Pod now
        && request.getOldObject() instanceof Pod before && Objects.equals(now.getSpec(), before.getSpec());
  }
}
