package dev.tenantry.operator.runtimeapi;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Where the operator reaches a tenant runtime's gRPC port. */
@FunctionalInterface
public interface RuntimeAddresses {

  /** The runtime's gRPC address; empty while it has none. */
  Optional<InetSocketAddress> grpc(Tenant tenant);

  /**
   * The runtime Service's cluster IP, as the Tenant's status reports it: reachable from the
   * operator's pod without cluster DNS; the certificate is checked against the Service's name.
   */
  static RuntimeAddresses serviceClusterIp() {
    return tenant -> Optional.ofNullable(tenant.getStatus())
        .map(status -> status.getRuntime())
        .map(runtime -> runtime.getServiceIP())
        .filter(ip -> !ip.isBlank() && !"None".equals(ip))
        .map(ip -> InetSocketAddress.createUnresolved(ip, TenantryApi.RUNTIME_GRPC_PORT));
  }
}
