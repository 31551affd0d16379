package dev.tenantry.runtime.security;

import java.util.Set;

/** The tenant roles a token can carry; a viewer only reads. */
public final class Roles {
  public static final String TENANT_ADMIN = "tenant-admin";
  public static final String MEMBER = "member";
  public static final String VIEWER = "viewer";
  public static final Set<String> ALL = Set.of(TENANT_ADMIN, MEMBER, VIEWER);
  public static final Set<String> WRITERS = Set.of(TENANT_ADMIN, MEMBER);

  private Roles() {}
}
