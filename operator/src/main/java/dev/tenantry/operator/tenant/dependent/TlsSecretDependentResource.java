package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import dev.tenantry.operator.tenant.PlatformSettings;
import dev.tenantry.operator.tenant.TenantModel;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime's serving certificate, signed by the platform CA. The current certificate is
 * kept while it is signed by the CA, names the right hosts and is short of two thirds of its
 * life; otherwise a new one is issued.
 */
public final class TlsSecretDependentResource extends TenantKubernetesDependent<Secret> {

  public static final Duration VALIDITY = Duration.ofDays(90);

  private final CertificateAuthority ca;
  private final Clock clock;

  public TlsSecretDependentResource(PlatformSettings settings, CertificateAuthority ca, Clock clock) {
    super(Secret.class, "tls", TenantModel.TLS_SECRET_NAME, settings);
    this.ca = ca;
    this.clock = clock;
  }

  @Override
  protected Secret desired(Tenant tenant, Context<Tenant> context) {
    TenantModel model = model(tenant, context);
    ServingCertificate certificate = current(tenant, context)
        .filter(existing -> existing.usableFor(model.certificateDnsNames(), ca, clock.instant()))
        .orElseGet(() -> ca.issueServingCertificate(model.certificateDnsNames(), VALIDITY, clock));
    return model.tlsSecret(certificate);
  }

  /** The certificate now in the tenant's Secret, if it holds a readable one. */
  public Optional<ServingCertificate> current(Tenant tenant, Context<Tenant> context) {
    return getSecondaryResource(tenant, context).flatMap(TlsSecretDependentResource::read);
  }

  static Optional<ServingCertificate> read(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey("tls.crt") || !data.containsKey("tls.key") || !data.containsKey("ca.crt")) {
      return Optional.empty();
    }
    try {
      ServingCertificate certificate =
          new ServingCertificate(decode(data.get("tls.crt")), decode(data.get("tls.key")), decode(data.get("ca.crt")));
      certificate.certificate();
      return Optional.of(certificate);
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }

  private static String decode(String value) {
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }
}
