package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.database.TenantDatabase;
import dev.tenantry.operator.database.TenantDatabases;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.external.PerResourcePollingDependentResource;
import java.time.Duration;
import java.util.Set;

/**
 * The tenant's database and role on the platform PostgreSQL: an external, non-Kubernetes
 * dependent. Its state is read back from PostgreSQL (rarely: the operator itself is the only
 * writer), created when missing and updated when the credentials Secret's password changed.
 * Dropping it is the deletion policy's business, done by the reconciler's cleanup.
 */
public final class TenantDatabaseDependentResource
    extends PerResourcePollingDependentResource<TenantDatabase, Tenant, String>
    implements Creator<TenantDatabase, Tenant>, Updater<TenantDatabase, Tenant> {

  public static final Duration POLL_PERIOD = Duration.ofMinutes(5);

  private final TenantDatabases databases;
  private final DatabaseSecretDependentResource credentials;

  public TenantDatabaseDependentResource(TenantDatabases databases, DatabaseSecretDependentResource credentials) {
    super(TenantDatabase.class, POLL_PERIOD, TenantDatabase::database);
    this.databases = databases;
    this.credentials = credentials;
    setName("database");
  }

  @Override
  public Set<TenantDatabase> fetchResources(Tenant tenant) {
    return databases.find(TenantDatabase.nameFor(tenant.getMetadata().getName())).map(Set::of).orElse(Set.of());
  }

  @Override
  protected TenantDatabase desired(Tenant tenant, Context<Tenant> context) {
    String name = TenantDatabase.nameFor(tenant.getMetadata().getName());
    return new TenantDatabase(name, name, TenantDatabases.fingerprint(password(tenant, context)));
  }

  @Override
  public TenantDatabase create(TenantDatabase desired, Tenant tenant, Context<Tenant> context) {
    return databases.ensure(desired.database(), password(tenant, context));
  }

  @Override
  public TenantDatabase update(TenantDatabase actual, TenantDatabase desired, Tenant tenant, Context<Tenant> context) {
    return databases.ensure(desired.database(), password(tenant, context));
  }

  private String password(Tenant tenant, Context<Tenant> context) {
    return credentials.password(tenant, context)
        .orElseThrow(() -> new IllegalStateException("database credentials Secret not created yet"));
  }
}
