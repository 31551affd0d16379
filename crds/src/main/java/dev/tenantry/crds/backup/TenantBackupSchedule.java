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

/** Backs up a tenant (or every tenant a selector picks) on a cron schedule and keeps the newest few. */
@Group(TenantryApi.GROUP)
@Version(TenantryApi.VERSION)
@Kind("TenantBackupSchedule")
@Plural("tenantbackupschedules")
@Singular("tenantbackupschedule")
@ShortNames("tnbs")
@Categories("tenantry")
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Keep", jsonPath = ".spec.keep", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Last", jsonPath = ".status.lastScheduleTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenantBackupSchedule extends CustomResource<TenantBackupScheduleSpec, TenantBackupScheduleStatus> {
  public TenantBackupSchedule() {}
}
