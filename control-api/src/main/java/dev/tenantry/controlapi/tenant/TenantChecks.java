package dev.tenantry.controlapi.tenant;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.kubernetes.KubernetesConfiguration;
import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Checks a request's input against everything the API server cannot: name rules, that the plan
 * exists, that no other tenant uses the ingress host, sizes and enumerations. Each refusal names
 * its field ({@link TenantException.Invalid}); nothing is written before every check passed.
 */
@Component
public class TenantChecks {
  private final SharedIndexInformer<Tenant> tenants;
  private final SharedIndexInformer<TenantPlan> plans;
  private final ControlApiSettings settings;

  public TenantChecks(SharedIndexInformer<Tenant> tenants, SharedIndexInformer<TenantPlan> plans,
      ControlApiSettings settings) {
    this.tenants = tenants;
    this.plans = plans;
    this.settings = settings;
  }

  /** The Tenant a create request asks for, or the first thing wrong with it. */
  Tenant newTenant(TenantRequests.CreateTenant input) {
    String name = input.name();
    if (name == null || !TenantryApi.isValidTenantName(name)) {
      throw new TenantException.Invalid("name", "must be a DNS label (lower case letters, digits and '-', starting"
          + " and ending with a letter or digit) of at most " + TenantryApi.MAX_TENANT_NAME_LENGTH + " characters");
    }
    if (tenants.getStore().getByKey(name) != null) {
      throw new TenantException.Conflict("name", "tenant '" + name + "' already exists");
    }
    TenantSpec spec = new TenantSpec();
    spec.setPlan(existingPlan(input.plan()));
    spec.setDisplayName(input.displayName() == null ? null : displayName(input.displayName()));
    spec.setOwners(owners(input.owners()));
    if (input.ingressHost() != null && !input.ingressHost().isBlank()) {
      spec.setIngress(new IngressSpec(freeIngressHost(input.ingressHost(), name)));
    }
    if (input.storageType() != null && !input.storageType().isBlank()) {
      try {
        spec.setStorage(new StorageSpec(StorageType.valueOf(input.storageType())));
      } catch (IllegalArgumentException e) {
        throw new TenantException.Invalid("storageType", "must be Embedded or Postgres");
      }
    }
    if (input.deletionPolicy() != null) {
      spec.setDeletionPolicy(deletionPolicy(input.deletionPolicy()));
    }
    if (input.replicas() != null) {
      overrideReplicas(spec, input.replicas());
    }
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    tenant.setSpec(spec);
    return tenant;
  }

  private static void overrideReplicas(TenantSpec spec, int replicas) {
    if (replicas < 0 || replicas > 20) {
      throw new TenantException.Invalid("replicas", "must be between 0 and 20");
    }
    RuntimeOverrides runtime = spec.getRuntime() == null ? new RuntimeOverrides() : spec.getRuntime();
    runtime.setReplicas(replicas);
    spec.setRuntime(runtime);
  }

  private String existingPlan(String plan) {
    if (plan == null || plan.isBlank()) {
      throw new TenantException.Invalid("plan", "is required");
    }
    if (plans.getStore().getByKey(plan) == null) {
      throw new TenantException.Invalid("plan", "no TenantPlan '" + plan + "'; plans: "
          + plans.getStore().listKeys().stream().sorted().toList());
    }
    return plan;
  }

  private static String displayName(String value) {
    if (value.length() > 100) {
      throw new TenantException.Invalid("displayName", "must be at most 100 characters");
    }
    return value;
  }

  private String freeIngressHost(String host, String tenant) {
    if (host.length() > 253 || !host.matches(TenantryApi.DNS_SUBDOMAIN_PATTERN)) {
      throw new TenantException.Invalid("ingressHost", "'" + host + "' is not a DNS name (RFC 1123 subdomain)");
    }
    List<String> users = tenants.getIndexer().byIndex(KubernetesConfiguration.BY_INGRESS_HOST, host).stream()
        .map(t -> t.getMetadata().getName()).filter(n -> !n.equals(tenant)).toList();
    if (!users.isEmpty()) {
      throw new TenantException.Invalid("ingressHost", "'" + host + "' is already used by tenant '" + users.get(0) + "'");
    }
    return host;
  }

  private static List<Owner> owners(List<TenantRequests.OwnerInput> input) {
    if (input == null) {
      return new ArrayList<>();
    }
    List<Owner> owners = new ArrayList<>();
    for (TenantRequests.OwnerInput owner : input) {
      Owner.Kind kind;
      try {
        kind = Owner.Kind.valueOf(String.valueOf(owner.kind()));
      } catch (IllegalArgumentException e) {
        throw new TenantException.Invalid("owners", "kind must be User or Group, not '" + owner.kind() + "'");
      }
      if (owner.name() == null || owner.name().isBlank() || owner.name().length() > 253) {
        throw new TenantException.Invalid("owners", "each owner needs a name of 1 to 253 characters");
      }
      owners.add(new Owner(kind, owner.name()));
    }
    return owners;
  }

  private static DeletionPolicy deletionPolicy(String value) {
    try {
      return DeletionPolicy.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new TenantException.Invalid("deletionPolicy", "must be Delete or Retain");
    }
  }

  /** A token's lifetime: 1 h unless asked, never over the configured maximum. */
  Duration tokenLifetime(String ttl) {
    Duration lifetime;
    try {
      lifetime = ttl == null || ttl.isBlank() ? Duration.ofHours(1) : Duration.parse(ttl.startsWith("P") ? ttl : "PT" + ttl);
    } catch (DateTimeParseException e) {
      throw new TenantException.Invalid("ttl", "must be a duration like 1h, 30m or P7D");
    }
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(settings.maxTenantTokenTtl()) > 0) {
      throw new TenantException.Invalid("ttl", "must be positive and at most " + settings.maxTenantTokenTtl());
    }
    return lifetime;
  }

  /** Applies an update request to {@code spec}, each field checked as on create; an absent field stays. */
  void update(String name, TenantSpec spec, TenantRequests.UpdateTenant input) {
    if (input.displayName() != null) {
      spec.setDisplayName(displayName(input.displayName()));
    }
    if (input.plan() != null) {
      spec.setPlan(existingPlan(input.plan()));
    }
    if (input.owners() != null) {
      spec.setOwners(owners(input.owners()));
    }
    if (input.ingressHost() != null) {
      spec.setIngress(input.ingressHost().isBlank() ? null : new IngressSpec(freeIngressHost(input.ingressHost(), name)));
    }
    if (input.replicas() != null) {
      overrideReplicas(spec, input.replicas());
    }
    if (input.deletionPolicy() != null) {
      spec.setDeletionPolicy(deletionPolicy(input.deletionPolicy()));
    }
  }

  /** A token's subject and roles, checked. */
  static void tokenClaims(String subject, List<String> roles) {
    if (subject == null || subject.isBlank() || subject.length() > 255) {
      throw new TenantException.Invalid("subject", "must be 1 to 255 characters");
    }
    if (roles == null || roles.isEmpty() || !TenantryApi.TENANT_ROLES.containsAll(roles)) {
      throw new TenantException.Invalid("roles", "must be some of " + TenantryApi.TENANT_ROLES);
    }
  }
}
