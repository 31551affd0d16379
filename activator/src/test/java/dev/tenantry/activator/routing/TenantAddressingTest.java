package dev.tenantry.activator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which tenant a caller meant, from the Service name it used. */
class TenantAddressingTest {

  @Test
  void theServicesNamesInEveryFormNameItsTenant() {
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-acme")).contains("acme");
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-acme.svc")).contains("acme");
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-acme.svc.cluster.local")).contains("acme");
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-a-b-2.svc.example.internal")).contains("a-b-2");
  }

  @Test
  void otherNamesNameNoTenant() {
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-acme.example.com")).isEmpty();
    assertThat(TenantAddressing.tenantOfName("api.tenant-acme.svc")).isEmpty();
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-.svc")).isEmpty();
    assertThat(TenantAddressing.tenantOfName("runtime.tenant-Acme.svc")).isEmpty();
    assertThat(TenantAddressing.tenantOfName("runtime.kube-system.svc")).isEmpty();
    assertThat(TenantAddressing.tenantOfName(null)).isEmpty();
  }
}
