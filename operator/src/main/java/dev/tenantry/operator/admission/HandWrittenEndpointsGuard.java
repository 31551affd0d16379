package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;

/**
 * Endpoints and EndpointSlices in a tenant namespace come from the cluster's controllers (for
 * Services with a selector) and the operator (a sleeping tenant's held calls), never by hand: a
 * hand-written one points a Service at any address, the node's and other namespaces' pods
 * included (CVE-2021-25740).
 */
final class HandWrittenEndpointsGuard implements AdmissionRequestHandler {

  private final String operatorIdentity;

  HandWrittenEndpointsGuard(String operatorIdentity) {
    this.operatorIdentity = operatorIdentity;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    if (ClusterIdentities.trusted(request.getUserInfo(), operatorIdentity)) {
      return AdmissionResponses.allowed();
    }
    String kind = request.getKind() == null ? "Endpoints" : request.getKind().getKind();
    return AdmissionResponses.denied(kind + " " + request.getName() + ": written by hand in a tenant namespace, they "
        + "could point a Service anywhere (rule network.endpoints, CVE-2021-25740); give the Service a selector and "
        + "the cluster writes them");
  }
}
