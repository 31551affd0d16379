package dev.tenantry.operator.tenant.model;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a sleeping tenant's Service sends its calls: the activator's ready pod addresses and its
 * ports named {@code http} and {@code grpc}, as the activator's own Service publishes them.
 */
public record ActivatorRoute(List<String> addresses, int httpPort, int grpcPort) {

  public ActivatorRoute {
    addresses = List.copyOf(addresses);
  }

  /** The route the activator's Endpoints give; empty while no activator pod is ready. */
  public static Optional<ActivatorRoute> of(Endpoints activator) {
    if (activator == null || activator.getSubsets() == null) {
      return Optional.empty();
    }
    for (EndpointSubset subset : activator.getSubsets()) {
      List<String> ready = subset.getAddresses() == null ? List.of()
          : subset.getAddresses().stream().map(EndpointAddress::getIp).filter(Objects::nonNull).sorted().toList();
      Optional<Integer> http = port(subset, TenantryApi.RUNTIME_HTTP_PORT_NAME);
      Optional<Integer> grpc = port(subset, TenantryApi.RUNTIME_GRPC_PORT_NAME);
      if (!ready.isEmpty() && http.isPresent() && grpc.isPresent()) {
        return Optional.of(new ActivatorRoute(ready, http.get(), grpc.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Integer> port(EndpointSubset subset, String name) {
    return subset.getPorts() == null ? Optional.empty() : subset.getPorts().stream()
        .filter(port -> name.equals(port.getName())).map(EndpointPort::getPort).findFirst();
  }
}
