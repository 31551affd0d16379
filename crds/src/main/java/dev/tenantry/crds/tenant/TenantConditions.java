package dev.tenantry.crds.tenant;

/**
 * The condition types of a Tenant's status: one per provisioning step, in order, and
 * {@link #READY} summing them up. The operator writes them; the control API, the console and
 * rollouts read them.
 */
public final class TenantConditions {
  public static final String READY = "Ready";
  public static final String PLAN_RESOLVED = "PlanResolved";
  public static final String NAMESPACE_READY = "NamespaceReady";
  public static final String CREDENTIALS_READY = "CredentialsReady";
  public static final String DATABASE_READY = "DatabaseReady";
  public static final String RUNTIME_READY = "RuntimeReady";

  private TenantConditions() {}
}
