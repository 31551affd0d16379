package dev.tenantry.operator.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** A serving certificate, its key and the CA certificate, all PEM, as kept in a TLS Secret. */
public record ServingCertificate(String certificatePem, String keyPem, String caPem) {

  public ServingCertificate {
    Objects.requireNonNull(certificatePem, "certificatePem");
    Objects.requireNonNull(keyPem, "keyPem");
    Objects.requireNonNull(caPem, "caPem");
  }

  public X509Certificate certificate() {
    return CertificateAuthority.Pem.parseCertificate(certificatePem);
  }

  /** When this certificate should be replaced: two thirds into its life. */
  public Instant renewAt() {
    X509Certificate cert = certificate();
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
  }

  /** The DNS names in the subject alternative name extension. */
  public Set<String> dnsNames() {
    try {
      var names = certificate().getSubjectAlternativeNames();
      if (names == null) {
        return Set.of();
      }
      return names.stream()
          .filter(entry -> Integer.valueOf(2).equals(entry.get(0)))
          .map(entry -> (String) entry.get(1))
          .collect(Collectors.toSet());
    } catch (CertificateParsingException e) {
      return Set.of();
    }
  }

  /**
   * Whether this certificate can still be served for {@code dnsNames} at {@code now}: signed by
   * {@code ca}, naming exactly those names, and not yet due for renewal.
   */
  public boolean usableFor(List<String> dnsNames, CertificateAuthority ca, Instant now) {
    try {
      return ca.signed(certificate())
          && dnsNames().equals(Set.copyOf(dnsNames))
          && now.isBefore(renewAt())
          && caPem.equals(ca.certificatePem());
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
  }
}
