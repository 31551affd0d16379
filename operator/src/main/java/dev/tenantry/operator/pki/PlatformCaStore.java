package dev.tenantry.operator.pki;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.operator.kube.SecretData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the platform CA from its Secret in the platform namespace, creating it on first start.
 * Two operator replicas starting together are safe: the loser of the create race reads the
 * winner's CA.
 */
public final class PlatformCaStore {
  public static final String SECRET_NAME = TenantryApi.CA_SECRET;
  private static final Logger LOG = LoggerFactory.getLogger(PlatformCaStore.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  public PlatformCaStore(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  /** The platform CA, created on first start; its certificate is (re)published in a ConfigMap. */
  public CertificateAuthority loadOrCreate() {
    CertificateAuthority ca = loadOrCreateSecret();
    // the certificate alone, for clients of tenant runtimes such as the control API; a restart
    // that finds it published writes nothing
    ConfigMap published = client.configMaps().inNamespace(namespace).withName(TenantryApi.CA_CONFIG_MAP).get();
    if (published != null && published.getData() != null
        && ca.certificatePem().equals(published.getData().get(TenantryApi.CA_CERTIFICATE_KEY))) {
      return ca;
    }
    client.resource(new ConfigMapBuilder().withNewMetadata().withName(TenantryApi.CA_CONFIG_MAP).withNamespace(namespace)
            .addToLabels(TenantryApi.PART_OF_LABEL, TenantryApi.PART_OF_VALUE).endMetadata()
            .withData(Map.of(TenantryApi.CA_CERTIFICATE_KEY, ca.certificatePem())).build())
        .fieldManager(TenantryApi.OPERATOR).forceConflicts().serverSideApply();
    return ca;
  }

  private CertificateAuthority loadOrCreateSecret() {
    Secret existing = client.secrets().inNamespace(namespace).withName(SECRET_NAME).get();
    if (existing != null) {
      return fromSecret(existing);
    }
    CertificateAuthority ca = CertificateAuthority.create("tenantry-platform-ca", clock);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SECRET_NAME)
            .withNamespace(namespace)
            .addToLabels(TenantryApi.PART_OF_LABEL, TenantryApi.PART_OF_VALUE)
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(Map.of("tls.crt", SecretData.encode(ca.certificatePem()), "tls.key", SecretData.encode(ca.keyPem())))
            .build();
    try {
      client.resource(secret).create();
      LOG.info("created the platform CA in Secret {}/{}", namespace, SECRET_NAME);
      return ca;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return fromSecret(client.secrets().inNamespace(namespace).withName(SECRET_NAME).get());
      }
      throw e;
    }
  }

  private static CertificateAuthority fromSecret(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data == null || !data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
      throw new IllegalStateException("Secret " + SECRET_NAME + " lacks tls.crt or tls.key");
    }
    return CertificateAuthority.fromPem(SecretData.decode(data.get("tls.crt")), SecretData.decode(data.get("tls.key")));
  }
}
