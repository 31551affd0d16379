package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.ServiceType;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Services in a tenant namespace may use only the plan's Service types (ClusterIP unless it says
 * otherwise: a NodePort opens a port on every node) and never {@code externalIPs}, with which any
 * namespace can intercept traffic meant for an outside address (CVE-2020-8554).
 */
final class ServiceAdmission implements AdmissionRequestHandler {

  private final TenantPolicies policies;

  ServiceAdmission(TenantPolicies policies) {
    this.policies = policies;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    if (!(request.getObject() instanceof Service service) || service.getSpec() == null) {
      return AdmissionResponses.allowed();
    }
    List<String> violations = new ArrayList<>();
    String type = Optional.ofNullable(service.getSpec().getType()).orElse(ServiceType.ClusterIP.name());
    TenantPolicies.NamespacePolicy policy = policies.forNamespace(request.getNamespace());
    List<ServiceType> allowed = policy.policy().effectiveServiceTypes();
    if (allowed.stream().noneMatch(t -> t.name().equals(type))) {
      violations.add("spec.type: " + type + " is not allowed by plan \"" + policy.plan() + "\" (allowed: "
          + allowed.stream().map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }
    if (service.getSpec().getExternalIPs() != null && !service.getSpec().getExternalIPs().isEmpty()) {
      violations.add("spec.externalIPs: not allowed in a tenant namespace (it lets a Service capture traffic for "
          + "outside addresses, CVE-2020-8554)");
    }
    return violations.isEmpty() ? AdmissionResponses.allowed() : AdmissionResponses.denied(String.join("; ", violations));
  }
}
