package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

/** Moves the selected tenants to a new runtime image in waves, behind a health gate, with rollback. */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("TenantRollout")
@Plural("tenantrollouts")
@Singular("tenantrollout")
@ShortNames("tnr")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Wave", jsonPath = ".status.currentWave", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Updated", jsonPath = ".status.updated", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenantRollout extends CustomResource<TenantRolloutSpec, TenantRolloutStatus> {
  public TenantRollout() {}

  /** Whether it may still move tenants: not yet Succeeded, RolledBack or Failed (or not yet looked at). */
  @JsonIgnore
  public boolean isUnfinished() {
    return getStatus() == null || getStatus().getPhase() == null || !getStatus().getPhase().finished();
  }
}
