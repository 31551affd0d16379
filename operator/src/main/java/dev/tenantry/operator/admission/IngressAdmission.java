package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.PlanPolicy;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An owner's Ingress may use only the hosts its tenant is allowed (the Tenant's own host and the
 * plan's patterns), never one another tenant or the platform holds (ingress controllers merge
 * one host's rules across namespaces: a longer path would steal that tenant's traffic), only an
 * ingress class the plan allows, and none of the annotations that inject controller configuration
 * or reach into other namespaces.
 */
public final class IngressAdmission implements AdmissionRequestHandler {

  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  static final String NGINX = "nginx.ingress.kubernetes.io/";
  /** ingress-nginx: extra hosts served by the same server block. */
  static final String SERVER_ALIAS = NGINX + "server-alias";
  /** Annotations that hand traffic or configuration to somewhere the Ingress does not say. */
  private static final List<String> REFUSED_ANNOTATIONS = List.of(NGINX + "mirror-target", NGINX + "mirror-host");
  /** Annotations naming a Secret as {@code namespace/name}: only the Ingress's own namespace. */
  private static final List<String> SECRET_ANNOTATIONS = List.of(NGINX + "auth-tls-secret", NGINX + "auth-secret",
      NGINX + "proxy-ssl-secret");
  private static final String TRAEFIK_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";

  private final TenantPolicies policies;
  private final HostClaims claims;
  private final String operatorIdentity;

  IngressAdmission(TenantPolicies policies, HostClaims claims, String operatorIdentity) {
    this.policies = policies;
    this.claims = claims;
    this.operatorIdentity = operatorIdentity;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    // the operator's own Ingress carries the host an admin gave the Tenant
    if (!(request.getObject() instanceof Ingress ingress) || PlatformObjectGuard.platformOwned(ingress)
        || PlatformObjectGuard.platformOwned(request.getOldObject())
        || ClusterIdentities.trusted(request.getUserInfo(), operatorIdentity)) {
      return AdmissionResponses.allowed();
    }
    String namespace = request.getNamespace();
    TenantPolicies.NamespacePolicy policy = policies.forNamespace(namespace);
    List<String> violations = new ArrayList<>();
    Map<String, String> annotations = Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of());
    annotations.forEach((key, value) -> annotationViolation(key, value, namespace).ifPresent(violations::add));
    Stream<String> aliases = Optional.ofNullable(annotations.get(SERVER_ALIAS)).stream()
        .flatMap(value -> Arrays.stream(value.split("[,\\s]+"))).filter(h -> !h.isBlank()).map(HostClaims::normal);
    Stream.concat(HostClaims.hostsOf(ingress), aliases).distinct()
        .forEach(host -> hostViolation(host, namespace, policy).ifPresent(violations::add));
    classViolation(ingress, annotations, policy).ifPresent(violations::add);
    return violations.isEmpty() ? AdmissionResponses.allowed() : AdmissionResponses.denied(String.join("; ", violations));
  }

  private Optional<String> hostViolation(String host, String namespace, TenantPolicies.NamespacePolicy policy) {
    Optional<HostClaims.Claim> other = claims.otherClaim(host, namespace);
    if (other.isPresent()) {
      return Optional.of("host " + host + " is already claimed by " + other.get().describe()
          + " (rule ingress.hosts: first claim wins)");
    }
    if (allowedHost(host, policy.tenant(), policy.ingressHost(), policy.policy())) {
      return Optional.empty();
    }
    List<String> allowed = new ArrayList<>(policy.ingressHost().stream().toList());
    allowed.addAll(policy.policy().ingressHostsOf(policy.tenant()));
    return Optional.of("host " + host + " is not one tenant " + policy.tenant() + " may use (rule ingress.hosts; "
        + "allowed: " + (allowed.isEmpty() ? "none: set spec.ingress.host on the Tenant or ingressHostnames on plan \""
        + policy.plan() + "\"" : String.join(", ", allowed)) + ")");
  }

  /** The Tenant's own host, or one the plan's patterns give it; {@code *} stands for exactly one DNS label. */
  public static boolean allowedHost(String host, String tenant, Optional<String> ownHost, PlanPolicy policy) {
    if (ownHost.map(HostClaims::normal).filter(host::equals).isPresent()) {
      return true;
    }
    for (String pattern : policy.ingressHostsOf(tenant)) {
      String normal = HostClaims.normal(pattern);
      if (normal.equals(host)) {
        return true;
      }
      if (normal.startsWith("*.")) {
        String suffix = normal.substring(1);
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot).equals(suffix) && !host.substring(0, dot).contains("*")) {
          return true;
        }
      }
    }
    return false;
  }

  public static Optional<String> annotationViolation(String key, String value, String namespace) {
    boolean snippet = (key.startsWith(NGINX) && key.endsWith("-snippet"))
        || (key.startsWith("nginx.org/") && (key.endsWith("-snippets") || key.endsWith("-snippet")))
        || (key.startsWith("haproxy.org/") && key.endsWith("-snippet"))
        || (key.startsWith("haproxy.router.openshift.io/") && key.endsWith("-snippet"));
    if (snippet || REFUSED_ANNOTATIONS.contains(key)) {
      return Optional.of("annotation " + key + ": injects ingress controller configuration, which tenants may not "
          + "(rule ingress.annotations)");
    }
    if (SECRET_ANNOTATIONS.contains(key) && value != null && value.contains("/")
        && !value.startsWith(namespace + "/")) {
      return Optional.of("annotation " + key + ": names a Secret of another namespace (" + value
          + "; rule ingress.annotations)");
    }
    if (TRAEFIK_MIDDLEWARES.equals(key) && value != null) {
      for (String middleware : value.split(",")) {
        String ref = middleware.trim();
        int at = ref.indexOf('@');
        String name = at < 0 ? ref : ref.substring(0, at);
        // Traefik names a CRD middleware <namespace>-<name>@kubernetescrd
        if (at >= 0 && ref.endsWith("@kubernetescrd") && !name.startsWith(namespace + "-")) {
          return Optional.of("annotation " + key + ": middleware " + ref + " is not of namespace " + namespace
              + " (rule ingress.annotations)");
        }
        if (at >= 0 && !ref.endsWith("@kubernetescrd")) {
          return Optional.of("annotation " + key + ": middleware " + ref + " comes from the controller's own "
              + "configuration, not the namespace (rule ingress.annotations)");
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> classViolation(Ingress ingress, Map<String, String> annotations,
      TenantPolicies.NamespacePolicy policy) {
    List<String> allowed = policy.policy().effectiveIngressClasses();
    if (allowed.isEmpty()) {
      return Optional.empty();
    }
    String ingressClass = Optional.ofNullable(ingress.getSpec()).map(s -> s.getIngressClassName())
        .orElse(annotations.get(CLASS_ANNOTATION));
    if (ingressClass != null && allowed.contains(ingressClass)) {
      return Optional.empty();
    }
    return Optional.of("spec.ingressClassName: " + (ingressClass == null ? "must name one of the classes plan \""
        + policy.plan() + "\" allows" : "\"" + ingressClass + "\" is not allowed by plan \"" + policy.plan() + "\"")
        + " (rule policy.ingressClasses; allowed: " + String.join(", ", allowed) + ")");
  }
}
