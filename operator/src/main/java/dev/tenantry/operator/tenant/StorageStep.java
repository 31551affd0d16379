package dev.tenantry.operator.tenant;

import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.tenant.model.RuntimeWorkloadModel;
import dev.tenantry.operator.tenant.model.TenantModel;
import java.time.Duration;
import java.util.Optional;

/** The storage step: a database on the platform PostgreSQL for Postgres tenants, a volume claim for the rest. */
final class StorageStep {
  private StorageStep() {}

  static Step of(TenantDependents d, Duration retryWhileWaiting) {
    Step.Builder step = Step.of(ProvisioningStep.DATABASE)
        .requires((m, context) -> m.usesPostgres() && d.database.isEmpty()
            ? Optional.of(StepOutcome.waiting(ProvisioningStep.DATABASE, "PostgresNotConfigured",
                "the tenant uses Postgres storage but the operator has no platform PostgreSQL (TENANTRY_POSTGRES_URL)"))
            : Optional.empty())
        .appliesWhen(m -> !m.usesPostgres(), d.dataClaim)
        .waitsOn(TenantDatabases.DatabaseProvisioningException.class, "DatabaseUnavailable")
        .retryingEvery(retryWhileWaiting);
    d.database.ifPresent(database -> step.appliesWhen(TenantModel::usesPostgres, database));
    return step.doneWhen((m, context) -> m.usesPostgres()
        ? StepOutcome.done(ProvisioningStep.DATABASE, "DatabaseReady", "database " + m.databaseName())
        : StepOutcome.done(ProvisioningStep.DATABASE, "VolumeClaimed",
            "embedded store on volume claim " + RuntimeWorkloadModel.DATA_CLAIM_NAME));
  }
}
