package dev.tenantry.operator.tenant.model;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.operator.runtimeapi.OperatorSigningKey;
import dev.tenantry.operator.kube.SecretData;
import dev.tenantry.operator.pki.ServingCertificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runtime is configured and trusted with: its ConfigMap (tenant, features, platform
 * JWKS), its serving certificate and, on PostgreSQL storage, its database credentials.
 */
public final class CredentialsModel {

  public static final String CONFIG_MAP_NAME = "tenant-config";
  public static final String TLS_SECRET_NAME = "runtime-tls";
  public static final String DATABASE_SECRET_NAME = "database-credentials";
  /** Keys of a {@code kubernetes.io/tls} Secret, plus the CA that signed it. */
  public static final String TLS_CERTIFICATE_KEY = "tls.crt";
  public static final String TLS_PRIVATE_KEY_KEY = "tls.key";
  public static final String DATABASE_PASSWORD_KEY = "password";

  private final TenantModel model;

  CredentialsModel(TenantModel model) {
    this.model = model;
  }

  /**
   * Tenant name, enabled features and the JWKS the runtime verifies tokens with: the control
   * API's published keys and the operator's own.
   */
  public ConfigMap configMap(String platformJwks) {
    String jwks = OperatorSigningKey.mergedJwks(platformJwks, model.settings().operatorJwk());
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tenant", model.tenantName());
    data.put("features", model.enabledFeatures());
    data.put(TenantryApi.JWKS_KEY, jwks);
    return new ConfigMapBuilder().withMetadata(model.meta(CONFIG_MAP_NAME)).withData(data).build();
  }

  /** DNS names on the serving certificate: the Service's names and the ingress host. */
  public List<String> certificateDnsNames() {
    String service = TenantryApi.RUNTIME_SERVICE;
    String ns = model.namespaceName();
    List<String> names = new ArrayList<>(List.of(
        TenantryApi.runtimeServiceHost(model.tenantName()),
        service,
        service + "." + ns,
        service + "." + ns + ".svc.cluster.local"));
    model.ingressHost().ifPresent(names::add);
    return names;
  }

  public Secret tlsSecret(ServingCertificate certificate) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(TLS_CERTIFICATE_KEY, SecretData.encode(certificate.certificatePem()));
    data.put(TLS_PRIVATE_KEY_KEY, SecretData.encode(certificate.keyPem()));
    data.put(TenantryApi.CA_CERTIFICATE_KEY, SecretData.encode(certificate.caPem()));
    return new SecretBuilder().withMetadata(model.meta(TLS_SECRET_NAME)).withType("kubernetes.io/tls").withData(data)
        .build();
  }

  /** The runtime's database address, role and {@code password} (made once by the dependent and kept). */
  public Secret databaseSecret(String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("url", SecretData.encode(postgresUrl()));
    data.put("username", SecretData.encode(model.databaseName()));
    data.put(DATABASE_PASSWORD_KEY, SecretData.encode(password));
    data.put("database", SecretData.encode(model.databaseName()));
    return new SecretBuilder().withMetadata(model.meta(DATABASE_SECRET_NAME)).withType("Opaque").withData(data)
        .build();
  }

  /** Where the runtime's pods reach the platform PostgreSQL, e.g. {@code postgresql://10.87.0.1:5432/tenant_acme}. */
  public String postgresUrl() {
    PlatformSettings settings = model.settings();
    String host = settings.postgresTenantHost().orElse("postgres");
    return "postgresql://" + host + ":" + settings.postgresTenantPort() + "/" + model.databaseName();
  }
}
