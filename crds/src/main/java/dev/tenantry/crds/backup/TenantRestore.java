package dev.tenantry.crds.backup;

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

/**
 * Brings a backup back: into the tenant it came from (in place, or recreated after a delete) or
 * into a new tenant, a clone.
 */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("TenantRestore")
@Plural("tenantrestores")
@Singular("tenantrestore")
@ShortNames("tnrs")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "Backup", jsonPath = ".spec.backup", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Target", jsonPath = ".status.restoredTenant", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".status.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenantRestore extends CustomResource<TenantRestoreSpec, TenantRestoreStatus> {
  public TenantRestore() {}
}
