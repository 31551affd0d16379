package dev.tenantry.operator.rollout;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.RolloutSizes;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.tenant.TenantSelector;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What the API server's schema cannot check in a rollout's spec: sizes, wave names, label operators, plans that exist. */
final class RolloutSpecCheck {

  private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

  private RolloutSpecCheck() {}

  /** Each problem names its field; empty when the spec can be carried out. */
  static List<String> problems(TenantRolloutSpec spec, Map<String, TenantPlan> plans) {
    List<String> problems = new ArrayList<>();
    List<Wave> waves = spec.effectiveWaves();
    for (int i = 0; i < waves.size(); i++) {
      IntOrString size = waves.get(i).getTenants();
      String field = "spec.waves[" + i + "].tenants: ";
      RolloutSizes.problem(size)
          .or(() -> RolloutSizes.takesNone(size) ? Optional.of("a wave must take at least one tenant") : Optional.empty())
          .ifPresent(problem -> problems.add(field + problem));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < waves.size(); i++) {
      if (!names.add(spec.waveName(i))) {
        problems.add("spec.waves[" + i + "].name: '" + spec.waveName(i) + "' is used twice");
      }
    }
    RolloutSizes.problem(spec.effectiveMaxUnavailable()).ifPresent(p -> problems.add("spec.maxUnavailable: " + p));
    RolloutSizes.problem(spec.effectiveMaxFailures()).ifPresent(p -> problems.add("spec.healthGate.maxFailures: " + p));
    TenantSelector selector = spec.effectiveSelector();
    if (selector.getPlans() != null) {
      List<String> unknown = selector.getPlans().stream().filter(p -> !plans.containsKey(p)).toList();
      if (!unknown.isEmpty()) {
        problems.add("spec.selector.plans: no TenantPlan " + unknown + " (plans: " + new TreeSet<>(plans.keySet()) + ")");
      }
    }
    if (selector.getMatchExpressions() != null) {
      selector.getMatchExpressions().stream()
          .filter(r -> !OPERATORS.contains(String.valueOf(r.getOperator())))
          .forEach(r -> problems.add("spec.selector.matchExpressions: operator '" + r.getOperator()
              + "' is not In, NotIn, Exists or DoesNotExist"));
    }
    return problems;
  }

  /** The selector in words, for a message. */
  static String describe(TenantSelector selector) {
    if (selector.isEmpty()) {
      return "every tenant";
    }
    List<String> parts = new ArrayList<>();
    if (selector.getPlans() != null && !selector.getPlans().isEmpty()) {
      parts.add("plans " + selector.getPlans());
    }
    if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
      parts.add("labels " + selector.getMatchLabels());
    }
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      parts.add(selector.getMatchExpressions().size() + " label expressions");
    }
    return String.join(", ", parts);
  }
}
