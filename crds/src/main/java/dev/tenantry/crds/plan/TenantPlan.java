package dev.tenantry.crds.plan;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A class of service: quotas, runtime defaults and features that tenants on it get. */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("TenantPlan")
@Plural("tenantplans")
@Singular("tenantplan")
@ShortNames("tnp")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "CPU", jsonPath = ".spec.quota.cpu", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Memory", jsonPath = ".spec.quota.memory", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".spec.runtime.replicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Storage", jsonPath = ".spec.storage.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenantPlan extends CustomResource<TenantPlanSpec, Void> {
  public TenantPlan() {}
}
