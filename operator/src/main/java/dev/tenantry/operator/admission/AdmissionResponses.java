package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import java.util.List;

/** The three answers a webhook gives: allowed, allowed with warnings, denied with the reason. */
final class AdmissionResponses {

  private AdmissionResponses() {}

  static AdmissionResponse allowed() {
    return new AdmissionResponseBuilder().withAllowed(true).build();
  }

  static AdmissionResponse allowedWithWarnings(List<String> warnings) {
    return new AdmissionResponseBuilder().withAllowed(true).withWarnings(warnings.isEmpty() ? null : warnings).build();
  }

  /** Refused as 403 Forbidden, which kubectl prints with the message. */
  static AdmissionResponse denied(String message) {
    return new AdmissionResponseBuilder().withAllowed(false)
        .withStatus(new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(message).build())
        .build();
  }
}
