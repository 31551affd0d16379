package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.PlanPolicy;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where a tenant's pods may run and whom they may push aside: priority classes, tolerations and
 * the node pool come from the plan; naming a node is never a tenant's choice. Pure.
 */
final class SchedulingPolicy {

  /** Node labels that name one node: selecting by them is choosing a node, which the scheduler does. */
  static final Set<String> NODE_NAMING_LABELS = Set.of("kubernetes.io/hostname");
  /** Tolerations the DefaultTolerationSeconds admission plugin adds to every pod. */
  private static final Set<String> DEFAULT_TOLERATION_KEYS = Set.of("node.kubernetes.io/not-ready",
      "node.kubernetes.io/unreachable");

  private SchedulingPolicy() {}

  /**
   * One sentence per violation, each naming its field and rule.
   *
   * @param clusterDefaultPriorityClass the PriorityClass the API server gives pods that name none
   * @param previousNodeName the pod's node before this change ({@code null} for a new pod): the
   *     scheduler's own binding is not the tenant's choice
   */
  static List<String> violations(PodSpec spec, String prefix, String planName, PlanPolicy policy,
      Optional<String> clusterDefaultPriorityClass, String previousNodeName) {
    List<String> violations = new ArrayList<>();
    if (spec == null) {
      return violations;
    }
    String plan = "plan \"" + planName + "\"";
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()
        && !Objects.equals(spec.getNodeName(), previousNodeName)) {
      violations.add(prefix + "spec.nodeName: choosing a node is not allowed in a tenant namespace "
          + "(rule scheduling.nodeName); the scheduler places pods within the plan's node pool");
    }
    String priority = spec.getPriorityClassName();
    if (priority != null && !priority.isEmpty() && !policy.effectivePriorityClasses().contains(priority)
        && !clusterDefaultPriorityClass.filter(priority::equals).isPresent()) {
      violations.add(prefix + "spec.priorityClassName: \"" + priority + "\" is not allowed by " + plan
          + " (rule policy.priorityClasses; allowed: " + listed(policy.effectivePriorityClasses()) + ")");
    }
    List<Toleration> tolerations = spec.getTolerations() == null ? List.of() : spec.getTolerations();
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration toleration = tolerations.get(i);
      if (!defaultToleration(toleration) && policy.effectiveTolerations().stream()
          .noneMatch(allowed -> sameToleration(allowed, toleration))) {
        violations.add(prefix + "spec.tolerations[" + i + "]: " + describe(toleration) + " is not allowed by " + plan
            + " (rule policy.tolerations)");
      }
    }
    Map<String, String> selector = spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
    selector.keySet().stream().filter(NODE_NAMING_LABELS::contains).forEach(key -> violations.add(prefix
        + "spec.nodeSelector." + key + ": naming a node is not allowed in a tenant namespace (rule scheduling.nodeName)"));
    nodeAffinityTerms(spec.getAffinity()).flatMap(term -> Stream.concat(
            Optional.ofNullable(term.getMatchExpressions()).orElse(List.of()).stream(),
            Optional.ofNullable(term.getMatchFields()).orElse(List.of()).stream()))
        .map(NodeSelectorRequirement::getKey)
        .filter(key -> key != null && (NODE_NAMING_LABELS.contains(key) || "metadata.name".equals(key)))
        .distinct()
        .forEach(key -> violations.add(prefix + "spec.affinity.nodeAffinity: selecting nodes by " + key
            + " names a node, which is not allowed in a tenant namespace (rule scheduling.nodeName)"));
    policy.effectiveNodePool().forEach((key, value) -> {
      if (!value.equals(selector.get(key))) {
        violations.add(prefix + "spec.nodeSelector: must select the node pool of " + plan + " (" + key + "=" + value
            + "; rule policy.nodePool)");
      }
    });
    return violations;
  }

  private static Stream<NodeSelectorTerm> nodeAffinityTerms(Affinity affinity) {
    if (affinity == null || affinity.getNodeAffinity() == null) {
      return Stream.empty();
    }
    var nodeAffinity = affinity.getNodeAffinity();
    Stream<NodeSelectorTerm> required = nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution() == null
        ? Stream.empty()
        : Optional.ofNullable(nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms())
            .orElse(List.of()).stream();
    Stream<NodeSelectorTerm> preferred = Optional.ofNullable(
            nodeAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).orElse(List.of()).stream()
        .map(p -> p.getPreference()).filter(Objects::nonNull);
    return Stream.concat(required, preferred);
  }

  private static boolean defaultToleration(Toleration toleration) {
    return toleration.getKey() != null && DEFAULT_TOLERATION_KEYS.contains(toleration.getKey()) && "Exists".equals(toleration.getOperator())
        && "NoExecute".equals(toleration.getEffect());
  }

  /** The same toleration, its seconds aside; an unset operator is Equal, as Kubernetes reads it. */
  private static boolean sameToleration(Toleration allowed, Toleration actual) {
    return Objects.equals(allowed.getKey(), actual.getKey())
        && Objects.equals(operator(allowed), operator(actual))
        && Objects.equals(emptyToNull(allowed.getValue()), emptyToNull(actual.getValue()))
        && Objects.equals(emptyToNull(allowed.getEffect()), emptyToNull(actual.getEffect()));
  }

  private static String operator(Toleration toleration) {
    return toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal" : toleration.getOperator();
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String describe(Toleration toleration) {
    String key = toleration.getKey() == null || toleration.getKey().isEmpty() ? "every taint" : toleration.getKey();
    return "toleration of " + key + ("Exists".equals(toleration.getOperator()) ? "" : "=" + toleration.getValue())
        + (toleration.getEffect() == null ? "" : ":" + toleration.getEffect());
  }

  private static String listed(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
