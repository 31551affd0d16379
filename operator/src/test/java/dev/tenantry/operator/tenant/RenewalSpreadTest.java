package dev.tenantry.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RenewalSpreadTest {

  private static Tenant tenant(String uid) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName("t").withUid(uid).build());
    return tenant;
  }

  @Test
  void tenantsCreatedTogetherComeDueForRenewalSpreadOverSixHours() {
    List<Duration> offsets = IntStream.range(0, 10_000)
        .mapToObj(i -> CertificateRenewal.spread(tenant(UUID.randomUUID().toString()))).toList();

    assertThat(offsets).allSatisfy(offset -> assertThat(offset)
        .isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(CertificateRenewal.SPREAD));
    // no minute of the six hours holds more than a small share of the fleet's renewals
    long busiestMinute = offsets.stream().collect(java.util.stream.Collectors.groupingBy(Duration::toMinutes,
        java.util.stream.Collectors.counting())).values().stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat(busiestMinute).isLessThan(100);
  }

  @Test
  void aTenantKeepsItsOffsetFromOneReconcileToTheNext() {
    String uid = UUID.randomUUID().toString();
    assertThat(CertificateRenewal.spread(tenant(uid))).isEqualTo(CertificateRenewal.spread(tenant(uid)));
  }
}
