package dev.tenantry.operator.admission;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A tenant's PodDisruptionBudget must let at least one of its pods go: one that allows none
 * blocks every drain of the nodes those pods run on, and so the platform's maintenance of every
 * other tenant there.
 */
final class DisruptionBudgetAdmission implements AdmissionRequestHandler {

  private final KubernetesClient client;
  private final String operatorIdentity;

  DisruptionBudgetAdmission(KubernetesClient client, String operatorIdentity) {
    this.client = client;
    this.operatorIdentity = operatorIdentity;
  }

  /** The fields of a budget, whichever API version (policy/v1beta1 on 1.20, policy/v1 later) it came in. */
  record Budget(IntOrString minAvailable, IntOrString maxUnavailable, LabelSelector selector) {
    static Optional<Budget> of(Object object) {
      if (object instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget v1 && v1.getSpec() != null) {
        return Optional.of(new Budget(v1.getSpec().getMinAvailable(), v1.getSpec().getMaxUnavailable(),
            v1.getSpec().getSelector()));
      }
      if (object instanceof io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget beta
          && beta.getSpec() != null) {
        return Optional.of(new Budget(beta.getSpec().getMinAvailable(), beta.getSpec().getMaxUnavailable(),
            beta.getSpec().getSelector()));
      }
      return Optional.empty();
    }
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    Optional<Budget> budget = Budget.of(request.getObject());
    if (budget.isEmpty() || ClusterIdentities.trusted(request.getUserInfo(), operatorIdentity)) {
      return AdmissionResponses.allowed();
    }
    Optional<String> violation = violation(budget.get(), () -> replicasSelected(request.getNamespace(),
        budget.get().selector()));
    return violation.map(AdmissionResponses::denied).orElseGet(AdmissionResponses::allowed);
  }

  /** Why the budget allows no disruption, if it does not; {@code replicas} counts the pods it selects. */
  static Optional<String> violation(Budget budget, java.util.function.IntSupplier replicas) {
    String rule = " allows no disruption, which would block every drain of the node (rule disruption.budgets)";
    if (budget.maxUnavailable() != null && zero(budget.maxUnavailable())) {
      return Optional.of("spec.maxUnavailable: " + budget.maxUnavailable().getValue() + rule);
    }
    IntOrString min = budget.minAvailable();
    if (min == null) {
      return Optional.empty();
    }
    if (min.getStrVal() != null && min.getStrVal().trim().equals("100%")) {
      return Optional.of("spec.minAvailable: 100%" + rule);
    }
    if (min.getIntVal() != null) {
      int selected = replicas.getAsInt();
      if (selected > 0 && min.getIntVal() >= selected) {
        return Optional.of("spec.minAvailable: " + min.getIntVal() + " of the " + selected
            + " replicas it selects" + rule);
      }
    }
    return Optional.empty();
  }

  private static boolean zero(IntOrString value) {
    return (value.getIntVal() != null && value.getIntVal() == 0)
        || (value.getStrVal() != null && value.getStrVal().trim().matches("0+%?"));
  }

  /** Replicas of the namespace's Deployments and StatefulSets whose pods the selector's labels pick. */
  private int replicasSelected(String namespace, LabelSelector selector) {
    Map<String, String> labels = selector == null || selector.getMatchLabels() == null ? Map.of()
        : selector.getMatchLabels();
    Stream<Selected> deployments = client.apps().deployments().inNamespace(namespace).list().getItems().stream()
        .map(d -> Selected.of(d.getSpec() == null ? null : d.getSpec().getTemplate(),
            d.getSpec() == null ? null : d.getSpec().getReplicas()));
    Stream<Selected> statefulSets = client.apps().statefulSets().inNamespace(namespace).list().getItems().stream()
        .map(s -> Selected.of(s.getSpec() == null ? null : s.getSpec().getTemplate(),
            s.getSpec() == null ? null : s.getSpec().getReplicas()));
    return Stream.concat(deployments, statefulSets)
        .filter(w -> !labels.isEmpty() && w.podLabels().entrySet().containsAll(labels.entrySet()))
        .mapToInt(Selected::replicas).sum();
  }

  private record Selected(Map<String, String> podLabels, int replicas) {
    static Selected of(io.fabric8.kubernetes.api.model.PodTemplateSpec template, Integer replicas) {
      Map<String, String> labels = template == null || template.getMetadata() == null
          || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
      return new Selected(labels, replicas == null ? 1 : replicas);
    }
  }
}
