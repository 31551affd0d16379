package dev.tenantry.controlapi.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.controlapi.ControlApiSettings;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The platform signing key (ES256), kept in Secret {@code tenantry-signing-key} of the
 * platform namespace and made on first start; its public half is published as the JWKS
 * (Secret {@code tenantry-jwks}, which the operator copies into every tenant namespace, and
 * {@code /.well-known/jwks.json}). It signs the bootstrap admin token and tenant tokens.
 */
@Component
public class PlatformKeys {
  public static final String SIGNING_KEY_SECRET = "tenantry-signing-key";
  public static final String ADMIN_TOKEN_SECRET = "tenantry-admin-token";
  public static final String ISSUER = TenantryApi.TOKEN_ISSUER;
  private static final Logger LOG = LoggerFactory.getLogger(PlatformKeys.class);

  private final ECKey key;
  private final Clock clock;

  public PlatformKeys(KubernetesClient client, ControlApiSettings settings) {
    this.clock = Clock.systemUTC();
    String namespace = settings.namespace();
    ensureNamespace(client, namespace);
    this.key = loadOrCreateKey(client, namespace);
    publishJwks(client, namespace);
    if (settings.embeddedIssuer()) {
      ensureAdminToken(client, namespace, settings.adminTokenTtl());
    }
  }

  /** The public keys, as served at {@code /.well-known/jwks.json}. */
  public JWKSet publicJwks() {
    return new JWKSet(key.toPublicJWK());
  }

  public ECKey signingKey() {
    return key;
  }

  /** A token of the platform (claim {@code roles}) for {@code subject}. */
  public String platformToken(String subject, Collection<String> roles, Duration ttl) {
    return sign(new JWTClaimsSet.Builder().subject(subject).claim(TenantryApi.TOKEN_ROLES_CLAIM, List.copyOf(roles)), ttl);
  }

  /** A token a tenant runtime accepts: claim {@code tenant} and tenant roles. */
  public String tenantToken(String tenant, String subject, Collection<String> roles, Duration ttl) {
    return sign(new JWTClaimsSet.Builder().subject(subject).claim(TenantryApi.TOKEN_TENANT_CLAIM, tenant)
        .claim(TenantryApi.TOKEN_ROLES_CLAIM, List.copyOf(roles)), ttl);
  }

  private String sign(JWTClaimsSet.Builder claims, Duration ttl) {
    Instant now = clock.instant();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
          claims.issuer(ISSUER).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
              .jwtID(UUID.randomUUID().toString()).build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static void ensureNamespace(KubernetesClient client, String namespace) {
    Namespace existing;
    try {
      existing = client.namespaces().withName(namespace).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        // in a cluster the chart made the namespace and grants no rights on namespaces
        return;
      }
      throw e;
    }
    if (existing == null) {
      createIgnoringConflict(() -> client.namespaces().resource(
          new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create());
    }
  }

  private static ECKey loadOrCreateKey(KubernetesClient client, String namespace) {
    Secret existing = client.secrets().inNamespace(namespace).withName(SIGNING_KEY_SECRET).get();
    if (existing == null) {
      ECKey fresh;
      try {
        fresh = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
      } catch (JOSEException e) {
        throw new IllegalStateException("cannot make the platform signing key", e);
      }
      createIgnoringConflict(() -> client.resource(secret(namespace, SIGNING_KEY_SECRET, "jwk.json", fresh.toJSONString()))
          .create());
      existing = client.secrets().inNamespace(namespace).withName(SIGNING_KEY_SECRET).get();
      LOG.info("created the platform signing key in Secret {}/{}", namespace, SIGNING_KEY_SECRET);
    }
    try {
      return ECKey.parse(decode(existing.getData().get("jwk.json")));
    } catch (ParseException | RuntimeException e) {
      throw new IllegalStateException("Secret " + SIGNING_KEY_SECRET + " does not hold an EC JWK (key jwk.json)", e);
    }
  }

  private void publishJwks(KubernetesClient client, String namespace) {
    client.resource(secret(namespace, TenantryApi.JWKS_SECRET, TenantryApi.JWKS_KEY, publicJwks().toString()))
        .forceConflicts().serverSideApply();
  }

  private void ensureAdminToken(KubernetesClient client, String namespace, Duration ttl) {
    if (client.secrets().inNamespace(namespace).withName(ADMIN_TOKEN_SECRET).get() != null) {
      return;
    }
    String token = platformToken("admin", List.of("platform-admin"), ttl);
    boolean created = createIgnoringConflict(() ->
        client.resource(secret(namespace, ADMIN_TOKEN_SECRET, "token", token)).create());
    if (created) {
      // printed once, on first creation; afterwards read it from the Secret
      LOG.info("admin token: {}", token);
    }
  }

  private static Secret secret(String namespace, String name, String key, String value) {
    return new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Map.of(TenantryApi.PART_OF_LABEL, TenantryApi.PART_OF_VALUE, "app.kubernetes.io/component", "control-api"))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  private static String decode(String value) {
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  private static boolean createIgnoringConflict(Runnable create) {
    try {
      create.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }
}
