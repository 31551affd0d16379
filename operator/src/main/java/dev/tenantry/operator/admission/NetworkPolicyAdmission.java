package dev.tenantry.operator.admission;

import dev.tenantry.crds.AddressRange;
import dev.tenantry.crds.plan.EgressRule;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Owners' NetworkPolicies add up with the platform's: one that admits another namespace, or opens
 * egress to anywhere, undoes the platform's default deny. So an owner's policy may admit and reach
 * only pods of its own namespace, plus egress to the ranges and ports the plan allows
 * ({@code policy.egress}) and DNS, which the platform's policy grants anyway.
 */
public final class NetworkPolicyAdmission implements AdmissionRequestHandler {

  private static final int DNS_PORT = 53;

  private final TenantPolicies policies;
  private final String operatorIdentity;

  NetworkPolicyAdmission(TenantPolicies policies, String operatorIdentity) {
    this.policies = policies;
    this.operatorIdentity = operatorIdentity;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    // the platform's own policy is the object guard's to keep
    if (!(request.getObject() instanceof NetworkPolicy policy) || policy.getSpec() == null
        || PlatformObjectGuard.platformOwned(policy) || PlatformObjectGuard.platformOwned(request.getOldObject())
        || ClusterIdentities.trusted(request.getUserInfo(), operatorIdentity)) {
      return AdmissionResponses.allowed();
    }
    TenantPolicies.NamespacePolicy namespacePolicy = policies.forNamespace(request.getNamespace());
    List<String> violations = violations(policy, namespacePolicy.plan(), namespacePolicy.policy().effectiveEgress());
    return violations.isEmpty() ? AdmissionResponses.allowed() : AdmissionResponses.denied(String.join("; ", violations));
  }

  /** One sentence per rule the policy breaks, each naming its field; pure. */
  public static List<String> violations(NetworkPolicy policy, String planName, List<EgressRule> allowedEgress) {
    List<String> violations = new ArrayList<>();
    List<NetworkPolicyIngressRule> ingress = Optional.ofNullable(policy.getSpec().getIngress()).orElse(List.of());
    for (int i = 0; i < ingress.size(); i++) {
      String field = "spec.ingress[" + i + "].from";
      List<NetworkPolicyPeer> from = Optional.ofNullable(ingress.get(i).getFrom()).orElse(List.of());
      if (from.isEmpty()) {
        violations.add(field + ": empty admits every source; name pods of this namespace (podSelector) "
            + "(rule networkPolicy.ingress)");
      }
      for (int p = 0; p < from.size(); p++) {
        peerOutsideNamespace(from.get(p)).ifPresent(what -> violations.add(field + ": " + what
            + " admits traffic from outside the namespace; only podSelector peers (rule networkPolicy.ingress)"));
      }
    }
    List<NetworkPolicyEgressRule> egress = Optional.ofNullable(policy.getSpec().getEgress()).orElse(List.of());
    for (int i = 0; i < egress.size(); i++) {
      NetworkPolicyEgressRule rule = egress.get(i);
      String field = "spec.egress[" + i + "]";
      List<NetworkPolicyPort> ports = Optional.ofNullable(rule.getPorts()).orElse(List.of());
      List<NetworkPolicyPeer> to = Optional.ofNullable(rule.getTo()).orElse(List.of());
      if (to.isEmpty()) {
        if (!onlyDns(ports) && !allowedRange(AddressRange.parse("0.0.0.0/0"), ports, allowedEgress)) {
          violations.add(field + ".to: empty opens egress to anywhere, which plan \"" + planName
              + "\" does not allow (rule policy.egress; allowed: " + describe(allowedEgress) + ")");
        }
        continue;
      }
      for (NetworkPolicyPeer peer : to) {
        if (peer.getIpBlock() != null) {
          Optional<AddressRange> range = AddressRange.tryParse(peer.getIpBlock().getCidr());
          if (range.isEmpty() || !allowedRange(range.get(), ports, allowedEgress)) {
            violations.add(field + ".to: ipBlock " + peer.getIpBlock().getCidr() + (ports.isEmpty() ? "" : " on ports "
                + portsOf(ports)) + " is outside what plan \"" + planName + "\" allows (rule policy.egress; allowed: "
                + describe(allowedEgress) + ")");
          }
        } else if (peer.getNamespaceSelector() != null) {
          violations.add(field + ".to: namespaceSelector reaches outside the namespace; only podSelector peers "
              + "and the plan's ranges (rule networkPolicy.egress)");
        }
      }
    }
    return violations;
  }

  private static Optional<String> peerOutsideNamespace(NetworkPolicyPeer peer) {
    if (peer.getIpBlock() != null) {
      return Optional.of("ipBlock " + peer.getIpBlock().getCidr());
    }
    if (peer.getNamespaceSelector() != null) {
      return Optional.of("namespaceSelector");
    }
    return Optional.empty();
  }

  /** Whether some allowed range holds {@code range} and grants every port of the rule (an empty list: all ports). */
  private static boolean allowedRange(AddressRange range, List<NetworkPolicyPort> ports, List<EgressRule> allowedEgress) {
    return allowedEgress.stream().anyMatch(allowed -> AddressRange.tryParse(allowed.getCidr()).filter(c -> c.contains(range))
        .isPresent() && grants(allowed, ports));
  }

  private static boolean grants(EgressRule allowed, List<NetworkPolicyPort> ports) {
    List<Integer> open = Optional.ofNullable(allowed.getPorts()).orElse(List.of());
    if (open.isEmpty()) {
      return true;
    }
    return !ports.isEmpty() && ports.stream().allMatch(port -> port.getPort() != null && port.getEndPort() == null
        && port.getPort().getIntVal() != null && open.contains(port.getPort().getIntVal()));
  }

  private static boolean onlyDns(List<NetworkPolicyPort> ports) {
    return !ports.isEmpty() && ports.stream().allMatch(port -> port.getPort() != null
        && Integer.valueOf(DNS_PORT).equals(port.getPort().getIntVal()) && port.getEndPort() == null);
  }

  private static String portsOf(List<NetworkPolicyPort> ports) {
    return String.join(",", ports.stream().map(p -> String.valueOf(p.getPort() == null ? "all" : p.getPort().getValue()))
        .toList());
  }

  private static String describe(List<EgressRule> allowed) {
    return allowed.isEmpty() ? "none" : String.join(", ", allowed.stream()
        .map(r -> r.getCidr() + (r.getPorts() == null || r.getPorts().isEmpty() ? "" : " ports " + r.getPorts()))
        .toList());
  }
}
