package dev.tenantry.operator.pki;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the platform CA from its Secret in the platform namespace, creating it on first start.
 * Two operator replicas starting together are safe: the loser of the create race reads the
 * winner's CA.
 */
public final class PlatformCaStore {
  public static final String SECRET_NAME = "tenantry-ca";
  /** The CA certificate alone (key {@code ca.crt}), for clients of tenant runtimes such as the control API. */
  public static final String CERTIFICATE_CONFIG_MAP = "tenantry-ca";
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
    client.resource(new ConfigMapBuilder().withNewMetadata().withName(CERTIFICATE_CONFIG_MAP).withNamespace(namespace)
            .addToLabels("app.kubernetes.io/part-of", "tenantry").endMetadata()
            .withData(Map.of("ca.crt", ca.certificatePem())).build())
        .fieldManager("tenantry-operator").forceConflicts().serverSideApply();
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
            .addToLabels("app.kubernetes.io/part-of", "tenantry")
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(Map.of("tls.crt", base64(ca.certificatePem()), "tls.key", base64(ca.keyPem())))
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
    return CertificateAuthority.fromPem(decode(data.get("tls.crt")), decode(data.get("tls.key")));
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String value) {
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }
}
