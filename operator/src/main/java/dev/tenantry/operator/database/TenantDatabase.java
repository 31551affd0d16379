package dev.tenantry.operator.database;

/**
 * A tenant's database and login role on the platform PostgreSQL.
 *
 * @param passwordFingerprint SHA-256 of the role's password, kept as the role's comment so a
 *     changed credentials Secret is noticed without reading any password back
 */
public record TenantDatabase(String database, String role, String passwordFingerprint) {

  /** Database and role name of a tenant: {@code tenant_<name>} with dashes as underscores. */
  public static String nameFor(String tenantName) {
    return "tenant_" + tenantName.replace('-', '_');
  }
}
