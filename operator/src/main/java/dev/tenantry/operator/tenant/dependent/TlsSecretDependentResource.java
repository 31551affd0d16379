package dev.tenantry.operator.tenant.dependent;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.SecretData;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import dev.tenantry.operator.tenant.model.CredentialsModel;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.time.Duration;
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

  public TlsSecretDependentResource(CertificateAuthority ca, Clock clock) {
    super(Secret.class, "tls", CredentialsModel.TLS_SECRET_NAME);
    this.ca = ca;
    this.clock = clock;
  }

  @Override
  protected Secret desired(Tenant tenant, Context<Tenant> context) {
    CredentialsModel credentials = model(context).credentials();
    ServingCertificate certificate = current(tenant, context)
        .filter(existing -> existing.usableFor(credentials.certificateDnsNames(), ca, clock.instant()))
        .orElseGet(() -> ca.issueServingCertificate(credentials.certificateDnsNames(), VALIDITY, clock));
    return credentials.tlsSecret(certificate);
  }

  /** The certificate now in the tenant's Secret, if it holds a readable one. */
  public Optional<ServingCertificate> current(Tenant tenant, Context<Tenant> context) {
    return getSecondaryResource(tenant, context).flatMap(TlsSecretDependentResource::read);
  }

  static Optional<ServingCertificate> read(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey(CredentialsModel.TLS_CERTIFICATE_KEY)
        || !data.containsKey(CredentialsModel.TLS_PRIVATE_KEY_KEY) || !data.containsKey(TenantryApi.CA_CERTIFICATE_KEY)) {
      return Optional.empty();
    }
    try {
      ServingCertificate certificate =
          new ServingCertificate(SecretData.decode(data.get(CredentialsModel.TLS_CERTIFICATE_KEY)),
              SecretData.decode(data.get(CredentialsModel.TLS_PRIVATE_KEY_KEY)),
              SecretData.decode(data.get(TenantryApi.CA_CERTIFICATE_KEY)));
      certificate.certificate();
      return Optional.of(certificate);
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }
}
