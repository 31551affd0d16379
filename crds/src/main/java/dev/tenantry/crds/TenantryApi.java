package dev.tenantry.crds;

import java.util.Set;

/** Names shared by every component that reads or writes Tenantry resources. */
public final class TenantryApi {
  public static final String GROUP = "tenantry.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Label carried by every object that belongs to a tenant; its value is the tenant name. */
  public static final String TENANT_LABEL = GROUP + "/tenant";
  /** Label on objects the operator manages, so its informers select only those. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "tenantry-operator";
  /**
   * The operator's own name, the same as {@link #MANAGED_BY_VALUE}: its ServiceAccount, its
   * leader-election Lease, its field manager, the component of its Events, its traces' service.
   */
  public static final String OPERATOR = MANAGED_BY_VALUE;
  /** The control API's name: its ServiceAccount and Service, its Events' component, its tokens' subject. */
  public static final String CONTROL_API = "tenantry-control-api";
  /** Label on every object the platform itself makes (Secrets, namespaces), with {@link #PART_OF_VALUE}. */
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
  public static final String PART_OF_VALUE = "tenantry";

  /** The {@code iss} of every token the platform signs: the control API's and the operator's keys. */
  public static final String TOKEN_ISSUER = "tenantry";
  /** The claims of a tenant token: the tenant it opens and the roles it carries. */
  public static final String TOKEN_TENANT_CLAIM = "tenant";
  public static final String TOKEN_ROLES_CLAIM = "roles";
  /** Tenant roles a token carries into a tenant's runtime (a viewer only reads). */
  public static final String ROLE_TENANT_ADMIN = "tenant-admin";
  public static final String ROLE_MEMBER = "member";
  public static final String ROLE_VIEWER = "viewer";
  public static final Set<String> TENANT_ROLES = Set.of(ROLE_TENANT_ADMIN, ROLE_MEMBER, ROLE_VIEWER);
  /** Platform roles the operator's tokens carry: the event-log export and load, the idle check. */
  public static final String ROLE_PLATFORM_BACKUP = "platform-backup";
  public static final String ROLE_PLATFORM_OBSERVER = "platform-observer";
  /** W3C trace context written by the control API so the operator continues the trace. */
  public static final String TRACEPARENT_ANNOTATION = GROUP + "/traceparent";

  /** Label that pins a tenant: no rollout moves it. */
  public static final String PIN_LABEL = GROUP + "/pin";
  /**
   * Label naming the rollout that moved a tenant, while that rollout applies; on a TenantPlan
   * (as an annotation) the rollout that last set the plan's image, which the chart then keeps.
   */
  public static final String ROLLOUT_LABEL = GROUP + "/rollout";
  /**
   * The runtime image a rollout gave a tenant. A tenant runs its own {@code spec.runtime.image}
   * if it has one (pinned), else this, else its plan's image.
   */
  public static final String IMAGE_ANNOTATION = GROUP + "/image";
  /** The wave that moved a tenant, the image it ran before and when it was moved (ISO-8601). */
  public static final String ROLLOUT_WAVE_ANNOTATION = "rollout." + GROUP + "/wave";
  public static final String ROLLOUT_FROM_ANNOTATION = "rollout." + GROUP + "/from";
  public static final String ROLLOUT_MOVED_AT_ANNOTATION = "rollout." + GROUP + "/moved-at";
  /** On a Tenant a restore created: the restore's name (it may delete that tenant if it fails). */
  public static final String RESTORED_BY_ANNOTATION = "backup." + GROUP + "/restored-by";
  /** On a Tenant a restore created: the backup it came from. */
  public static final String RESTORED_FROM_ANNOTATION = "backup." + GROUP + "/restored-from";

  /** Secret in the platform namespace where the control API publishes its public keys (key {@link #JWKS_KEY}). */
  public static final String JWKS_SECRET = "tenantry-jwks";
  /** Key of the JWKS document in that Secret and in each tenant's ConfigMap. */
  public static final String JWKS_KEY = "jwks.json";
  /** ConfigMap in the platform namespace holding the platform CA's certificate alone (key {@link #CA_CERTIFICATE_KEY}). */
  public static final String CA_CONFIG_MAP = "tenantry-ca";
  public static final String CA_CERTIFICATE_KEY = "ca.crt";
  /** Secret in the platform namespace holding the platform CA's key and certificate (the operator's alone). */
  public static final String CA_SECRET = "tenantry-ca";

  /** Name of the runtime's Deployment and Service in every tenant namespace. */
  public static final String RUNTIME_SERVICE = "runtime";
  /** The runtime's ports: REST, GraphQL and WebSocket; gRPC; management (health, metrics). */
  public static final int RUNTIME_HTTP_PORT = 8080;
  public static final int RUNTIME_GRPC_PORT = 9090;
  public static final int RUNTIME_MANAGEMENT_PORT = 8081;
  /** The runtime container's port names, which the Service targets and the activator forwards to. */
  public static final String RUNTIME_HTTP_PORT_NAME = "http";
  public static final String RUNTIME_GRPC_PORT_NAME = "grpc";
  /** Labels every runtime pod carries and its Service selects: the app, and the tenant as its instance. */
  public static final String RUNTIME_NAME_LABEL = "app.kubernetes.io/name";
  public static final String RUNTIME_NAME_VALUE = "tenant-runtime";
  public static final String RUNTIME_INSTANCE_LABEL = "app.kubernetes.io/instance";
  /** The ServiceAccount every tenant's runtime pods run as, in its namespace. */
  public static final String RUNTIME_SERVICE_ACCOUNT = RUNTIME_NAME_VALUE;

  /**
   * The activator's Service in the platform namespace: a hibernated tenant's Service routes to
   * the addresses behind it, which hold the calls while the tenant wakes.
   */
  public static final String ACTIVATOR_SERVICE = "tenantry-activator";

  /** Tenant namespace prefix: a tenant {@code acme} lives in {@code tenant-acme}. */
  public static final String NAMESPACE_PREFIX = "tenant-";
  /** Longest tenant name: keeps {@code tenant-<name>} and derived names within DNS limits. */
  public static final int MAX_TENANT_NAME_LENGTH = 40;
  /** DNS-1123 label. */
  public static final String DNS_LABEL_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** DNS-1123 subdomain (lower case names separated by dots). */
  public static final String DNS_SUBDOMAIN_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /**
   * ISO-8601 duration of days, hours, minutes and seconds, e.g. {@code P7D} or {@code PT15M}
   * (RE2 syntax, as the API server checks it: no look-ahead, so each non-empty form is spelled out).
   */
  public static final String DURATION_PATTERN =
      "^P([0-9]+D|([0-9]+D)?T([0-9]+H([0-9]+M)?([0-9]+S)?|[0-9]+M([0-9]+S)?|[0-9]+S))$";
  /** Cron expression of five fields (minute hour day-of-month month day-of-week). */
  public static final String CRON_PATTERN = "^\\S+( \\S+){4}$";

  /**
   * When someone asked a hibernated tenant to wake (ISO-8601 instant), and who: {@code request}
   * (the activator, for a held call), {@code admin} (console, API, kubectl). A request older than
   * the tenant's last sleep is spent.
   */
  public static final String WAKE_REQUESTED_AT_ANNOTATION = "hibernation." + GROUP + "/wake-requested-at";
  public static final String WAKE_TRIGGER_ANNOTATION = "hibernation." + GROUP + "/wake-trigger";
  /** The wake triggers the annotation names. */
  public static final String WAKE_BY_REQUEST = "request";
  public static final String WAKE_BY_ADMIN = "admin";
  /** When an admin asked a tenant to hibernate now (ISO-8601 instant), whatever its traffic. */
  public static final String HIBERNATE_REQUESTED_AT_ANNOTATION = "hibernation." + GROUP + "/hibernate-requested-at";

  private TenantryApi() {}

  public static String namespaceOf(String tenantName) {
    return NAMESPACE_PREFIX + tenantName;
  }

  /** The labels that select a tenant's runtime pods. */
  public static java.util.Map<String, String> runtimeSelector(String tenantName) {
    java.util.Map<String, String> selector = new java.util.LinkedHashMap<>();
    selector.put(RUNTIME_NAME_LABEL, RUNTIME_NAME_VALUE);
    selector.put(RUNTIME_INSTANCE_LABEL, tenantName);
    return selector;
  }

  /** The runtime Service's in-cluster DNS name, e.g. {@code runtime.tenant-acme.svc} (also its TLS name). */
  public static String runtimeServiceHost(String tenantName) {
    return RUNTIME_SERVICE + "." + namespaceOf(tenantName) + ".svc";
  }

  /** The tenant a namespace belongs to, by its name; empty for a namespace that is not a tenant's. */
  public static java.util.Optional<String> tenantOfNamespace(String namespace) {
    if (namespace == null || !namespace.startsWith(NAMESPACE_PREFIX)) {
      return java.util.Optional.empty();
    }
    String tenant = namespace.substring(NAMESPACE_PREFIX.length());
    return isValidTenantName(tenant) ? java.util.Optional.of(tenant) : java.util.Optional.empty();
  }

  /** Whether a name is a valid tenant name: a DNS-1123 label of at most 40 characters. */
  public static boolean isValidTenantName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_TENANT_NAME_LENGTH
        && name.matches(DNS_LABEL_PATTERN);
  }
}
