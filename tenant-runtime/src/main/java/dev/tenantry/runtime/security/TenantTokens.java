package dev.tenantry.runtime.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tenantry.runtime.settings.RuntimeSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Verifies the bearer tokens of every protocol against the platform JWKS (a file the
 * operator mounts, or a URL) and this instance's tenant. In dev mode the JWKS is a key made at
 * start and one {@code dev token} is logged.
 */
@Component
public class TenantTokens {
  private static final Logger LOG = LoggerFactory.getLogger(TenantTokens.class);
  public static final String TENANT_CLAIM = "tenant";
  public static final String ROLES_CLAIM = "roles";
  /** The platform's issuer (the runtime does not depend on crds; a test holds these names to TenantryApi). */
  public static final String ISSUER = "tenantry";

  private final String tenant;
  private final JwtDecoder decoder;
  private final ECKey devKey;
  private final Cache<String, Jwt> verified = Caffeine.newBuilder()
      .maximumSize(10_000)
      .expireAfterWrite(Duration.ofMinutes(1))
      .build();

  public TenantTokens(RuntimeSettings settings) {
    this.tenant = settings.tenantName();
    JWKSource<SecurityContext> keys;
    if (settings.jwks() != null && !settings.jwks().isBlank()) {
      keys = jwkSource(settings.jwks(), settings.remoteJwks());
      devKey = null;
    } else {
      devKey = newKey();
      keys = new ImmutableJWKSet<>(new JWKSet(devKey.toPublicJWK()));
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), keys));
    // claims are checked by the validators below, with messages a caller can act on
    processor.setJWTClaimsSetVerifier((claims, context) -> { });
    NimbusJwtDecoder nimbus = new NimbusJwtDecoder(processor);
    nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ofSeconds(30)),
        this::validateTenantAndRoles));
    this.decoder = nimbus;
    if (devKey != null) {
      LOG.warn("dev mode: tokens are verified against a key made at start; never use dev mode in production");
      LOG.info("dev token: {}", issue("dev", List.of(Roles.TENANT_ADMIN), Duration.ofHours(12)));
    }
  }

  /**
   * Verifies a bearer token; throws {@link org.springframework.security.oauth2.jwt.JwtException}
   * when refused. A token verified once is remembered for a minute (its expiry still checked on
   * every use): clients send the same token with every request, and checking an ES256
   * signature costs more than serving most reads.
   */
  public Jwt verify(String token) {
    Jwt cached = verified.getIfPresent(token);
    if (cached != null && (cached.getExpiresAt() == null || cached.getExpiresAt().isAfter(Instant.now()))) {
      return cached;
    }
    Jwt jwt = decoder.decode(token);
    verified.put(token, jwt);
    return jwt;
  }

  public JwtDecoder decoder() {
    return decoder;
  }

  /** Signs a token with the dev key (dev mode and tests only). */
  public String issue(String subject, Collection<String> roles, Duration ttl) {
    if (devKey == null) {
      throw new IllegalStateException("tokens are issued by the control API; this instance is not in dev mode");
    }
    return sign(devKey, tenant, subject, roles, ttl);
  }

  /** Signs a token for {@code tenant} with {@code key}: the form the control API issues. */
  public static String sign(ECKey key, String tenant, String subject, Collection<String> roles, Duration ttl) {
    return sign(key, tenant, subject, roles, Instant.now(), ttl);
  }

  /** As {@link #sign(ECKey, String, String, Collection, Duration)}, issued at {@code now}. */
  public static String sign(ECKey key, String tenant, String subject, Collection<String> roles, Instant now,
      Duration ttl) {
    try {
      JWTClaimsSet claims = new JWTClaimsSet.Builder()
          .subject(subject)
          .issuer(ISSUER)
          .claim(TENANT_CLAIM, tenant)
          .claim(ROLES_CLAIM, List.copyOf(roles))
          .issueTime(Date.from(now))
          .expirationTime(Date.from(now.plus(ttl)))
          .jwtID(UUID.randomUUID().toString())
          .build();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  public static ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException("cannot make a key", e);
    }
  }

  private OAuth2TokenValidatorResult validateTenantAndRoles(Jwt jwt) {
    String claimed = jwt.getClaimAsString(TENANT_CLAIM);
    if (!tenant.equals(claimed)) {
      return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
          "token is for tenant '" + claimed + "', this is tenant '" + tenant + "'", null));
    }
    List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
    if (roles == null || roles.stream().noneMatch(Roles.KNOWN::contains)) {
      return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
          "token carries none of the roles " + Roles.KNOWN, null));
    }
    return OAuth2TokenValidatorResult.success();
  }

  private static JWKSource<SecurityContext> jwkSource(String location, boolean remote) {
    if (remote) {
      try {
        return JWKSourceBuilder.create(URI.create(location).toURL()).build();
      } catch (java.net.MalformedURLException e) {
        throw new IllegalStateException("TENANTRY_JWKS is not a URL: " + location, e);
      }
    }
    return new FileJwkSource(Path.of(location));
  }

  /** The JWKS file the operator mounts from a ConfigMap, re-read when it changes (key rotation). */
  static final class FileJwkSource implements JWKSource<SecurityContext> {
    private final Path file;
    private volatile JWKSet keys;
    private volatile long readAt = -1;

    FileJwkSource(Path file) {
      this.file = file;
      reload();
    }

    @Override
    public List<JWK> get(com.nimbusds.jose.jwk.JWKSelector selector, SecurityContext context) {
      reload();
      return selector.select(keys);
    }

    private void reload() {
      try {
        long modified = Files.getLastModifiedTime(file.toRealPath()).toMillis();
        if (modified != readAt) {
          keys = JWKSet.parse(Files.readString(file));
          readAt = modified;
        }
      } catch (IOException | java.text.ParseException e) {
        if (keys == null) {
          throw new IllegalStateException("cannot read the JWKS " + file + ": " + e.getMessage(), e);
        }
        LOG.warn("keeping the last JWKS: cannot re-read {}: {}", file, e.getMessage());
      }
    }
  }
}
