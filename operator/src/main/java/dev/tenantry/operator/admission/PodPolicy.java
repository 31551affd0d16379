package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.PlanPolicy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a pod must meet in a tenant namespace: the plan's Pod Security level and its
 * allowed registries. Pure, so the operator also checks the plan's own runtime pod with it.
 */
public final class PodPolicy {

  private PodPolicy() {}

  /** One sentence per violation, each naming the field; empty when the pod is allowed. */
  static List<String> violations(PodTemplates.PodShape pod, String planName, PlanPolicy policy) {
    List<String> violations = new ArrayList<>();
    PodSecurityStandard.check(pod.metadata(), pod.spec(), pod.prefix(), policy.effectivePodSecurity())
        .forEach(v -> violations.add(v.describe(policy.effectivePodSecurity())));
    violations.addAll(imageViolations(pod.spec(), pod.prefix(), planName, policy));
    return violations;
  }

  /** As {@link #violations(PodTemplates.PodShape, String, PlanPolicy)} for a bare pod spec (fields under {@code prefix}). */
  public static List<String> violations(PodSpec spec, String prefix, String planName, PlanPolicy policy) {
    return violations(new PodTemplates.PodShape(prefix, null, spec), planName, policy);
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
