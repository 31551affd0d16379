package dev.tenantry.operator.runtimeapi;

import dev.tenantry.crds.TenantryApi;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tenantry.operator.kube.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's own signing key (ES256), kept in Secret {@value #SECRET_NAME} of the platform
 * namespace and made on first start. Its public half goes into every tenant's JWKS beside the
 * control API's keys, so runtimes accept the operator's short-lived platform tokens (role
 * {@code platform-backup}) without the operator holding the control API's key.
 */
public final class OperatorSigningKey {
  public static final String SECRET_NAME = "tenantry-operator-signing-key";
  static final String KEY_FIELD = "key.jwk";
  public static final String SUBJECT = TenantryApi.OPERATOR;
  /** Runtime role that opens the runtime's {@code /admin} endpoints and nothing else. */
  public static final String BACKUP_ROLE = TenantryApi.ROLE_PLATFORM_BACKUP;
  /** Opens the runtime's usage counters only (the idle check). */
  public static final String OBSERVER_ROLE = TenantryApi.ROLE_PLATFORM_OBSERVER;
  private static final Logger LOG = LoggerFactory.getLogger(OperatorSigningKey.class);

  private final ECKey key;
  private final Clock clock;

  OperatorSigningKey(ECKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /** Loads the key from its Secret, creating it on first start; two replicas racing read the winner's. */
  public static OperatorSigningKey loadOrCreate(KubernetesClient client, String namespace, Clock clock) {
    Secret existing = client.secrets().inNamespace(namespace).withName(SECRET_NAME).get();
    if (existing != null) {
      return new OperatorSigningKey(parse(existing), clock);
    }
    ECKey key = generate();
    Secret secret = new SecretBuilder().withNewMetadata().withName(SECRET_NAME).withNamespace(namespace)
        .addToLabels(TenantryApi.PART_OF_LABEL, TenantryApi.PART_OF_VALUE).endMetadata()
        .withData(Map.of(KEY_FIELD, SecretData.encode(key.toJSONString())))
        .build();
    try {
      client.resource(secret).create();
      LOG.info("created the operator's signing key in Secret {}/{}", namespace, SECRET_NAME);
      return new OperatorSigningKey(key, clock);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return new OperatorSigningKey(parse(client.secrets().inNamespace(namespace).withName(SECRET_NAME).get()), clock);
      }
      throw e;
    }
  }

  /** A key that lives only in this process (tests of the model). */
  public static OperatorSigningKey ephemeral(Clock clock) {
    return new OperatorSigningKey(generate(), clock);
  }

  /** The public half, as one JWK in JSON. */
  public String publicJwk() {
    return key.toPublicJWK().toJSONString();
  }

  /** A token the runtime of {@code tenant} accepts on {@code /admin} only, valid for {@code ttl}. */
  public String backupToken(String tenant, Duration ttl) {
    return token(tenant, BACKUP_ROLE, ttl);
  }

  /** A token that opens only the usage counters of {@code tenant}'s runtime, valid for {@code ttl}. */
  public String observerToken(String tenant, Duration ttl) {
    return token(tenant, OBSERVER_ROLE, ttl);
  }

  private String token(String tenant, String role, Duration ttl) {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(SUBJECT)
        .issuer(TenantryApi.TOKEN_ISSUER)
        .claim(TenantryApi.TOKEN_TENANT_CLAIM, tenant)
        .claim(TenantryApi.TOKEN_ROLES_CLAIM, List.of(role))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /**
   * The JWKS a tenant's runtime verifies with: the control API's keys and this one. A key of the
   * same id already there is replaced, so the result does not grow on repeated merges.
   */
  public static String mergedJwks(String platformJwks, String operatorPublicJwk) {
    try {
      JWK operatorKey = JWK.parse(operatorPublicJwk);
      List<JWK> keys = new ArrayList<>();
      for (JWK key : JWKSet.parse(platformJwks).getKeys()) {
        if (!operatorKey.getKeyID().equals(key.getKeyID())) {
          keys.add(key);
        }
      }
      keys.add(operatorKey);
      return new JWKSet(keys).toString(true);
    } catch (ParseException e) {
      throw new IllegalStateException("the platform JWKS is not a JWK set: " + e.getMessage(), e);
    }
  }

  private static ECKey parse(Secret secret) {
    String json = secret.getData() == null ? null : secret.getData().get(KEY_FIELD);
    if (json == null) {
      throw new IllegalStateException("Secret " + SECRET_NAME + " lacks " + KEY_FIELD);
    }
    try {
      return ECKey.parse(SecretData.decode(json));
    } catch (ParseException e) {
      throw new IllegalStateException("Secret " + SECRET_NAME + " holds no EC key: " + e.getMessage(), e);
    }
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID("tenantry-operator-" + UUID.randomUUID()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot make a key", e);
    }
  }
}
