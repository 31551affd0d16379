package dev.tenantry.operator.admission;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who holds each Ingress host in the cluster: the namespaces whose Ingresses name it (the oldest
 * first: first claim wins) and the Tenants whose {@code spec.ingress.host} it is. Ingresses are
 * few next to tenants, so every replica keeps an informer of them; Tenants' hosts are listed at
 * most once per refresh interval, and only when an Ingress is admitted.
 */
public final class HostClaims implements AutoCloseable {

  /** A claim on a host: a tenant's, or the platform's (any namespace that is not a tenant's). */
  record Claim(Optional<String> tenant, String namespace) {
    String describe() {
      return tenant.map(t -> "tenant " + t).orElse("the platform (namespace " + namespace + ")");
    }
  }

  private static final String BY_HOST = "byHost";
  private static final String ALL = "";

  private final SharedIndexInformer<Ingress> ingresses;
  private final LoadingCache<String, Map<String, String>> tenantHosts;

  HostClaims(KubernetesClient client, Duration refresh) {
    this.ingresses = client.network().v1().ingresses().inAnyNamespace().runnableInformer(0);
    ingresses.addIndexers(Map.of(BY_HOST, ingress -> hostsOf(ingress).toList()));
    ingresses.start();
    this.tenantHosts = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(refresh)
        .build(key -> {
          Map<String, String> hosts = new HashMap<>();
          client.resources(Tenant.class).list().getItems().forEach(tenant -> Optional.ofNullable(tenant.getSpec())
              .map(spec -> spec.getIngress()).map(i -> i.getHost()).filter(h -> !h.isBlank())
              .ifPresent(h -> hosts.putIfAbsent(normal(h), tenant.getMetadata().getName())));
          return hosts;
        });
  }

  /** Whoever other than {@code namespace} holds {@code host}: a Tenant's own host first, then the oldest Ingress. */
  Optional<Claim> otherClaim(String host, String namespace) {
    String wanted = normal(host);
    String ownTenant = TenantryApi.tenantOfNamespace(namespace).orElse(null);
    String byTenant = tenantHosts.get(ALL).get(wanted);
    if (byTenant != null && !byTenant.equals(ownTenant)) {
      return Optional.of(new Claim(Optional.of(byTenant), TenantryApi.namespaceOf(byTenant)));
    }
    return ingresses.getIndexer().byIndex(BY_HOST, wanted).stream()
        .filter(ingress -> !namespace.equals(ingress.getMetadata().getNamespace()))
        .min(Comparator.comparing((Ingress i) -> String.valueOf(i.getMetadata().getCreationTimestamp())))
        .map(ingress -> new Claim(TenantryApi.tenantOfNamespace(ingress.getMetadata().getNamespace()),
            ingress.getMetadata().getNamespace()));
  }

  /** Every host an Ingress names, in its rules and its TLS sections, lower-cased. */
  public static Stream<String> hostsOf(Ingress ingress) {
    if (ingress.getSpec() == null) {
      return Stream.empty();
    }
    Stream<String> rules = Optional.ofNullable(ingress.getSpec().getRules()).orElse(List.of()).stream()
        .map(IngressRule::getHost);
    Stream<String> tls = Optional.ofNullable(ingress.getSpec().getTls()).orElse(List.of()).stream()
        .flatMap(t -> Optional.ofNullable(t.getHosts()).orElse(List.of()).stream());
    return Stream.concat(rules, tls).filter(h -> h != null && !h.isBlank()).map(HostClaims::normal).distinct();
  }

  public static String normal(String host) {
    return host.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    ingresses.close();
  }
}
