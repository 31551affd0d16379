package dev.tenantry.operator.tenant.model;

import static dev.tenantry.operator.tenant.model.TenantModelTest.SETTINGS;
import static dev.tenantry.operator.tenant.model.TenantModelTest.plan;
import static dev.tenantry.operator.tenant.model.TenantModelTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the runtime is configured and trusted with, computed without a cluster. */
class CredentialsModelTest {

  @Test
  void theConfigMapCarriesTenantFeaturesAndThePlatformKeysWithTheOperatorsKey() throws Exception {
    CredentialsModel credentials = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 1), SETTINGS).credentials();
    var data = credentials.configMap("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"control-api\","
        + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}")
        .getData();
    assertThat(data).containsEntry("tenant", "acme").containsEntry("features", "rest,graphql,websocket");
    var keys = com.nimbusds.jose.jwk.JWKSet.parse(data.get("jwks.json")).getKeys();
    assertThat(keys).extracting(com.nimbusds.jose.jwk.JWK::getKeyID)
        .containsExactly("control-api", com.nimbusds.jose.jwk.JWK.parse(SETTINGS.operatorJwk()).getKeyID());
    assertThat(keys).noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);
  }

  @Test
  void theServingCertificateNamesTheServiceAndTheSecretHoldsItWithItsCa() {
    CredentialsModel credentials = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 1), SETTINGS).credentials();
    assertThat(credentials.certificateDnsNames()).containsExactly("runtime.tenant-acme.svc", "runtime",
        "runtime.tenant-acme", "runtime.tenant-acme.svc.cluster.local");
    CertificateAuthority ca = CertificateAuthority.create("test", Clock.systemUTC());
    ServingCertificate certificate = ca.issueServingCertificate(credentials.certificateDnsNames(), Duration.ofDays(1),
        Clock.systemUTC());
    var secret = credentials.tlsSecret(certificate);
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(TenantModelTestSupport.decode(secret.getData().get("ca.crt"))).isEqualTo(ca.certificatePem());
    assertThat(TenantModelTestSupport.decode(secret.getData().get("tls.crt"))).isEqualTo(certificate.certificatePem());
  }

  @Test
  void databaseCredentialsPointAtThePlatformPostgresAsTenantPodsReachIt() {
    CredentialsModel credentials = new TenantModel(tenant("big-co"), plan(StorageType.Postgres, 1), SETTINGS)
        .credentials();
    var data = credentials.databaseSecret("s3cret").getData();
    assertThat(TenantModelTestSupport.decode(data.get("username"))).isEqualTo("tenant_big_co");
    assertThat(TenantModelTestSupport.decode(data.get("password"))).isEqualTo("s3cret");
    assertThat(credentials.postgresUrl()).isEqualTo("postgresql://pg.platform.svc:5432/tenant_big_co");
  }
}
