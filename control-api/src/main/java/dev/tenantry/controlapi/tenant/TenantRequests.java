package dev.tenantry.controlapi.tenant;

import java.util.List;

/** Inputs of the tenant API (REST bodies and GraphQL inputs alike). */
public final class TenantRequests {
  private TenantRequests() {}

  /** An owner: {@code kind} User or Group. */
  public record OwnerInput(String kind, String name) {}

  /** {@code replicas}, when given, overrides the plan's runtime replicas (0 to 20). */
  public record CreateTenant(String name, String plan, String displayName, List<OwnerInput> owners,
      String ingressHost, String storageType, String deletionPolicy, Integer replicas) {}

  /** Fields left null stay as they are; {@code ingressHost: ""} removes the host. */
  public record UpdateTenant(String displayName, String plan, List<OwnerInput> owners, String ingressHost,
      Integer replicas, String deletionPolicy) {}

  public record IssueToken(String subject, List<String> roles, String ttl) {}
}
