package dev.tenantry.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import org.junit.jupiter.api.Test;

/**
 * The runtime keeps its own copy of the token names (its image does not carry the crds module);
 * this holds each copy to the platform's contract, so a rename on one side fails the build.
 */
class TokenContractTest {

  @Test
  void theRuntimeReadsTheClaimsIssuerAndRolesThePlatformSigns() {
    assertThat(TenantTokens.ISSUER).isEqualTo(TenantryApi.TOKEN_ISSUER);
    assertThat(TenantTokens.TENANT_CLAIM).isEqualTo(TenantryApi.TOKEN_TENANT_CLAIM);
    assertThat(TenantTokens.ROLES_CLAIM).isEqualTo(TenantryApi.TOKEN_ROLES_CLAIM);
    assertThat(Roles.ALL).isEqualTo(TenantryApi.TENANT_ROLES);
    assertThat(Roles.PLATFORM_BACKUP).isEqualTo(TenantryApi.ROLE_PLATFORM_BACKUP);
    assertThat(Roles.PLATFORM_OBSERVER).isEqualTo(TenantryApi.ROLE_PLATFORM_OBSERVER);
  }
}
