package dev.tenantry.activator.boundary;

import dev.tenantry.crds.AddressRange;
import dev.tenantry.crds.TenantryApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A sleeping tenant keeps its network boundary: the activator forwards (and so wakes the tenant
 * for) only the callers the tenant's own NetworkPolicy admits: its own pods, the platform's, the
 * ingress controller's, and the node itself (which NetworkPolicy always admits). The operator's
 * admission webhook lets no owner policy admit more, so this is the whole of what admits a caller.
 */
public final class CallerBoundary {

  /** 127.0.0.1 and ::1: other loopback addresses are no proof of being the host (tests give them to pods). */
  private static final java.util.Set<String> HOST_ITSELF = java.util.Set.of("127.0.0.1", "0:0:0:0:0:0:0:1");

  private final CallerAddresses addresses;
  private final String platformNamespace;
  private final String ingressNamespace;
  private final List<AddressRange> nodeSources;

  /**
   * @param nodeSources addresses the node itself calls from beyond those its Node object lists
   *     (its gateway on the pod network, which traffic from the host to a pod carries)
   */
  public CallerBoundary(CallerAddresses addresses, String platformNamespace, String ingressNamespace,
      List<AddressRange> nodeSources) {
    this.addresses = addresses;
    this.platformNamespace = platformNamespace;
    this.ingressNamespace = ingressNamespace;
    this.nodeSources = List.copyOf(nodeSources);
  }

  /** The node's own loopback address: an activator on the host (in development) called from the host. */
  private static boolean hostItself(InetAddress address) {
    return HOST_ITSELF.contains(address.getHostAddress());
  }

  /** Why {@code caller} may not reach the sleeping {@code tenant}; empty when it may. */
  public Optional<String> refusal(String tenant, InetSocketAddress caller) {
    if (caller == null || caller.getAddress() == null) {
      return Optional.of("the caller's address is unknown; tenant '" + tenant + "' admits only its own pods, the "
          + "platform and the ingress controller (rule activator.boundary)");
    }
    InetAddress address = caller.getAddress();
    String ip = address.getHostAddress();
    Optional<String> namespace = addresses.namespaceOf(ip);
    if (namespace.isPresent()) {
      String from = namespace.get();
      if (from.equals(TenantryApi.namespaceOf(tenant)) || from.equals(platformNamespace)
          || from.equals(ingressNamespace)) {
        return Optional.empty();
      }
      return Optional.of("a pod of namespace " + from + " may not call tenant '" + tenant + "': its network policy "
          + "admits only its own pods, the platform and the ingress controller (rule activator.boundary)");
    }
    if (hostItself(address) || addresses.isNode(ip) || nodeSources.stream().anyMatch(r -> r.contains(address))) {
      return Optional.empty();
    }
    return Optional.of("address " + ip + " is neither a pod nor a node of the cluster; tenant '" + tenant
        + "' admits only its own pods, the platform and the ingress controller (rule activator.boundary)");
  }
}
