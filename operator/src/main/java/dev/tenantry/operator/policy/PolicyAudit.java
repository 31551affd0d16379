package dev.tenantry.operator.policy;

import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.operator.admission.HostClaims;
import dev.tenantry.operator.admission.IngressAdmission;
import dev.tenantry.operator.admission.NetworkPolicyAdmission;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Owner objects that predate a policy rule and break it: the admission webhooks refuse such an
 * object today, but one made before the rule (or before a plan tightened) stays, is reported in
 * the Tenant's {@code PolicyViolation} condition, and is never deleted. Pure: the same rules as
 * the webhooks, on the objects the audit's informers hold.
 *
 * @param violations one line per object: kind, name and what it breaks
 */
public record PolicyAudit(List<String> violations) {

  /** The condition type, True while an owner object breaks a rule of the plan. */
  public static final String CONDITION = TenantConditions.POLICY_VIOLATION;
  /** At most this many objects are listed in the condition's message; the count says how many break a rule. */
  static final int LISTED = 10;

  public PolicyAudit {
    violations = List.copyOf(violations);
  }

  /** The owner objects of tenant {@code tenant} judged by its plan's policy. */
  public static PolicyAudit of(String tenant, String planName, PlanPolicy policy, Optional<String> ownHost,
      List<NetworkPolicy> networkPolicies, List<Ingress> ingresses) {
    List<String> found = new ArrayList<>();
    networkPolicies.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).forEach(policyObject -> {
      if (policyObject.getSpec() != null) {
        List<String> broken = NetworkPolicyAdmission.violations(policyObject, planName, policy.effectiveEgress());
        if (!broken.isEmpty()) {
          found.add("NetworkPolicy " + policyObject.getMetadata().getName() + ": " + String.join("; ", broken));
        }
      }
    });
    ingresses.stream().sorted(Comparator.comparing(i -> i.getMetadata().getName())).forEach(ingress -> {
      String namespace = ingress.getMetadata().getNamespace();
      List<String> broken = new ArrayList<>();
      HostClaims.hostsOf(ingress).filter(host -> !IngressAdmission.allowedHost(host, tenant, ownHost, policy))
          .forEach(host -> broken.add("host " + host + " is not one tenant " + tenant + " may use (rule ingress.hosts)"));
      Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of()).forEach((key, value) ->
          IngressAdmission.annotationViolation(key, value, namespace).ifPresent(broken::add));
      if (!broken.isEmpty()) {
        found.add("Ingress " + ingress.getMetadata().getName() + ": " + String.join("; ", broken));
      }
    });
    return new PolicyAudit(found);
  }

  public boolean clean() {
    return violations.isEmpty();
  }

  /** The condition's message: how many objects, and the first {@value #LISTED} of them. */
  public String message() {
    if (clean()) {
      return "every owner object meets the plan's policy";
    }
    String listed = String.join(" | ", violations.subList(0, Math.min(LISTED, violations.size())));
    return violations.size() + " owner object(s) break the plan's policy and were kept (refused if made today): "
        + listed + (violations.size() > LISTED ? " | ..." : "");
  }

  public String reason() {
    return clean() ? "NoViolations" : "OwnerObjectsBreakPolicy";
  }
}
