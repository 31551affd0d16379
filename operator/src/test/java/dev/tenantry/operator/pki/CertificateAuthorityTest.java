package dev.tenantry.operator.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
  static final List<String> NAMES = List.of("runtime.tenant-acme.svc", "acme.example.com");

  @Test
  void issuedCertificatesAreSignedByTheCaAndNameTheHosts() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test-ca", NOW);
    ServingCertificate cert = ca.issueServingCertificate(NAMES, Duration.ofDays(90), NOW);
    assertThat(ca.signed(cert.certificate())).isTrue();
    assertThat(cert.dnsNames()).containsExactlyInAnyOrderElementsOf(NAMES);
    assertThat(cert.certificate().getNotAfter().toInstant()).isEqualTo(Instant.parse("2026-08-30T00:00:00Z"));
    assertThat(cert.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(CertificateAuthority.create("other", NOW).signed(cert.certificate())).isFalse();
  }

  @Test
  void certificatesAreRenewedAtTwoThirdsOfTheirLife() {
    CertificateAuthority ca = CertificateAuthority.create("test-ca", NOW);
    ServingCertificate cert = ca.issueServingCertificate(NAMES, Duration.ofDays(90), NOW);
    Instant renewAt = cert.renewAt();
    assertThat(Duration.between(NOW.instant(), renewAt)).isBetween(Duration.ofDays(59), Duration.ofDays(60));
    assertThat(cert.usableFor(NAMES, ca, renewAt.minusSeconds(1))).isTrue();
    assertThat(cert.usableFor(NAMES, ca, renewAt.plusSeconds(1))).isFalse();
    assertThat(cert.usableFor(List.of("runtime.tenant-acme.svc"), ca, NOW.instant())).as("names changed").isFalse();
    assertThat(cert.usableFor(NAMES, CertificateAuthority.create("new-ca", NOW), NOW.instant())).as("CA rotated").isFalse();
  }

  @Test
  void theCaSurvivesAPemRoundTrip() {
    CertificateAuthority ca = CertificateAuthority.create("test-ca", NOW);
    CertificateAuthority reloaded = CertificateAuthority.fromPem(ca.certificatePem(), ca.keyPem());
    ServingCertificate cert = reloaded.issueServingCertificate(NAMES, Duration.ofDays(1), NOW);
    assertThat(ca.signed(cert.certificate())).isTrue();
    assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
  }
}
