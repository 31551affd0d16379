package dev.tenantry.runtime.security;

import java.util.Set;

/**
 * The tenant roles a token can carry (a viewer only reads), and the platform's roles: backup
 * opens the event-log export and load, observer opens {@code TenantAdmin.GetUsage} (the
 * operator's idle check); neither opens the tenant APIs.
 */
public final class Roles {
  public static final String TENANT_ADMIN = "tenant-admin";
  public static final String MEMBER = "member";
  public static final String VIEWER = "viewer";
  public static final Set<String> ALL = Set.of(TENANT_ADMIN, MEMBER, VIEWER);
  public static final Set<String> WRITERS = Set.of(TENANT_ADMIN, MEMBER);
  public static final String PLATFORM_BACKUP = "platform-backup";
  public static final String PLATFORM_OBSERVER = "platform-observer";
  /** Every role a token may carry. */
  public static final Set<String> KNOWN = Set.of(TENANT_ADMIN, MEMBER, VIEWER, PLATFORM_BACKUP, PLATFORM_OBSERVER);

  private Roles() {}
}
