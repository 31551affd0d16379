package dev.tenantry.crds.tenant;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One customer's SaaS instance: the operator turns it into the namespace {@code tenant-<name>}. */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("Tenant")
@Plural("tenants")
@Singular("tenant")
@ShortNames("tn")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "Plan", jsonPath = ".spec.plan", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Namespace", jsonPath = ".status.namespace", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Tenant extends CustomResource<TenantSpec, TenantStatus> {

  public Tenant() {}

  /** A new Tenant named {@code name} on {@code plan}, everything else defaulted. */
  public static Tenant onPlan(String name, String plan) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan(plan);
    tenant.setSpec(spec);
    return tenant;
  }

  /** Namespace the operator creates for this tenant. */
  public String namespaceName() {
    return TenantryApi.namespaceOf(getMetadata().getName());
  }
}
