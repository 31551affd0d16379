package dev.tenantry.activator.routing;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells which tenant a call was meant for from the name the caller used: the Service's DNS name
 * ({@code runtime.tenant-acme}, {@code runtime.tenant-acme.svc[.cluster.local]}) or its cluster IP.
 * Every hibernated tenant's Service routes to the same activator, and after the Service's
 * translation the destination address no longer says whose it was; the name the caller asked
 * for (HTTP {@code Host}, TLS server name) still does.
 */
public final class TenantAddressing implements AutoCloseable {
  private static final String BY_CLUSTER_IP = "byClusterIp";
  private static final String SERVICE_PREFIX = TenantryApi.RUNTIME_SERVICE + "." + TenantryApi.NAMESPACE_PREFIX;

  private final SharedIndexInformer<Service> services;

  private TenantAddressing(SharedIndexInformer<Service> services) {
    this.services = services;
  }

  /** Watches the runtime Services the operator manages, to know each one's cluster IP. */
  public static TenantAddressing watching(KubernetesClient client) {
    SharedIndexInformer<Service> informer = client.services().inAnyNamespace()
        .withLabel(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE)
        .withField("metadata.name", TenantryApi.RUNTIME_SERVICE)
        .runnableInformer(0);
    informer.addIndexers(java.util.Map.of(BY_CLUSTER_IP, service -> service.getSpec() == null
        || service.getSpec().getClusterIP() == null ? List.of() : List.of(service.getSpec().getClusterIP())));
    informer.run();
    return new TenantAddressing(informer);
  }

  /** Whether the Services are known (the informer has listed them once). */
  public boolean ready() {
    return services.hasSynced();
  }

  /** The tenant a host (with or without its port) names; empty for a host that names none. */
  public Optional<String> tenantOf(String hostAndPort) {
    if (hostAndPort == null || hostAndPort.isBlank()) {
      return Optional.empty();
    }
    String host = hostOnly(hostAndPort.trim().toLowerCase(Locale.ROOT));
    Optional<String> byName = tenantOfName(host);
    if (byName.isPresent()) {
      return byName;
    }
    return services.getIndexer().byIndex(BY_CLUSTER_IP, host).stream()
        .map(service -> service.getMetadata().getNamespace())
        .map(TenantryApi::tenantOfNamespace)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** The tenant of a Service DNS name; empty for anything else. */
  public static Optional<String> tenantOfName(String host) {
    if (host == null || !host.startsWith(SERVICE_PREFIX)) {
      return Optional.empty();
    }
    String rest = host.substring(TenantryApi.RUNTIME_SERVICE.length() + 1);
    int dot = rest.indexOf('.');
    String namespace = dot < 0 ? rest : rest.substring(0, dot);
    String after = dot < 0 ? "" : rest.substring(dot);
    if (!after.isEmpty() && !after.equals(".svc") && !after.startsWith(".svc.")) {
      return Optional.empty();
    }
    return TenantryApi.tenantOfNamespace(namespace);
  }

  private static String hostOnly(String hostAndPort) {
    if (hostAndPort.startsWith("[")) {
      int end = hostAndPort.indexOf(']');
      return end < 0 ? hostAndPort : hostAndPort.substring(1, end);
    }
    int colon = hostAndPort.lastIndexOf(':');
    boolean oneColon = colon >= 0 && hostAndPort.indexOf(':') == colon;
    return oneColon ? hostAndPort.substring(0, colon) : hostAndPort;
  }

  @Override
  public void close() {
    services.close();
  }
}
