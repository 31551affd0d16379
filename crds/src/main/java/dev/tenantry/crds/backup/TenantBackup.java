package dev.tenantry.crds.backup;

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

/** One backup of a tenant: its spec, the objects its owners made and its event log, as one archive. */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("TenantBackup")
@Plural("tenantbackups")
@Singular("tenantbackup")
@ShortNames("tnb")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "Tenant", jsonPath = ".spec.tenant", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.sizeBytes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Events", jsonPath = ".status.eventPosition", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenantBackup extends CustomResource<TenantBackupSpec, TenantBackupStatus> {
  public TenantBackup() {}

  /** Whether the archive is written and checked: the only state a restore reads from. */
  @JsonIgnore
  public boolean isCompleted() {
    return getStatus() != null && getStatus().getPhase() == BackupPhase.Completed;
  }
}
