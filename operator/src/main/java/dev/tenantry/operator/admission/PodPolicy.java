package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.PlanPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a pod must meet in a tenant namespace: the plan's Pod Security level and its
 * allowed registries. Pure, so the operator also checks the plan's own runtime pod with it.
 */
public final class PodPolicy {

  private PodPolicy() {}

  /**
   * One sentence per violation, each naming the field; empty when the pod is allowed.
   *
   * @param clusterDefaultPriorityClass the class the API server gives pods that name none
   * @param previousNodeName the pod's node before this change, {@code null} for a new pod
   */
  static List<String> violations(PodTemplates.PodShape pod, String planName, PlanPolicy policy,
      Optional<String> clusterDefaultPriorityClass, String previousNodeName) {
    List<String> violations = new ArrayList<>();
    PodSecurityStandard.check(pod.metadata(), pod.spec(), pod.prefix(), policy.effectivePodSecurity())
        .forEach(v -> violations.add(v.describe(policy.effectivePodSecurity())));
    violations.addAll(imageViolations(pod.spec(), pod.prefix(), planName, policy));
    violations.addAll(SchedulingPolicy.violations(pod.spec(), pod.prefix(), planName, policy,
        clusterDefaultPriorityClass, previousNodeName));
    return violations;
  }

  /** As {@link #violations(PodTemplates.PodShape, String, PlanPolicy, Optional, String)} for a new bare pod spec. */
  public static List<String> violations(PodSpec spec, String prefix, String planName, PlanPolicy policy) {
    return violations(new PodTemplates.PodShape(prefix, null, spec), planName, policy, Optional.empty(), null);
  }

  private static List<String> imageViolations(PodSpec spec, String prefix, String planName, PlanPolicy policy) {
    List<String> violations = new ArrayList<>();
    if (spec == null || policy.effectiveRegistries().isEmpty()) {
      return violations;
    }
    images(spec.getInitContainers(), prefix + "spec.initContainers", violations, planName, policy);
    images(spec.getContainers(), prefix + "spec.containers", violations, planName, policy);
    List<EphemeralContainer> ephemeral = spec.getEphemeralContainers() == null ? List.of()
        : spec.getEphemeralContainers();
    for (int i = 0; i < ephemeral.size(); i++) {
      image(ephemeral.get(i).getImage(), prefix + "spec.ephemeralContainers[" + i + "].image", violations, planName,
          policy);
    }
    return violations;
  }

  private static void images(List<Container> containers, String field, List<String> violations, String planName,
      PlanPolicy policy) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      image(containers.get(i).getImage(), field + "[" + i + "].image", violations, planName, policy);
    }
  }

  private static void image(String image, String field, List<String> violations, String planName,
      PlanPolicy policy) {
    if (!policy.allowsImage(image)) {
      violations.add(field + ": \"" + image + "\" is not from a registry plan \"" + planName + "\" allows ("
          + String.join(", ", policy.effectiveRegistries()) + ")");
    }
  }
}
