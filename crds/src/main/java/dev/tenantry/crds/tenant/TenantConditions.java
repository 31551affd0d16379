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
  /** True while the tenant's runtime runs; False while it hibernates (with the reason why). */
  public static final String AWAKE = "Awake";
  /**
   * True while an owner's object breaks a rule it predates; also the reason a plan is refused
   * to a tenant whose spec breaks the plan's policy.
   */
  public static final String POLICY_VIOLATION = "PolicyViolation";

  private TenantConditions() {}
}
