package dev.tenantry.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** A tenant's users as they call its runtime's REST API, with tokens signed as the control API signs them. */
public record TenantUsers(ECKey controlApiKey, LocalRuntimes runtimes) {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A token of {@code tenant}'s with {@code roles}, valid for half an hour. */
  public String token(String tenant, List<String> roles) {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(controlApiKey.getKeyID()).build(),
        new JWTClaimsSet.Builder().subject("alice").issuer("tenantry").claim("tenant", tenant).claim("roles", roles)
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))
            .jwtID(UUID.randomUUID().toString()).build());
    try {
      jwt.sign(new ECDSASigner(controlApiKey));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** {@code method path} on the tenant's runtime as its tenant-admin; {@code body} is sent as JSON when set. */
  public HttpResponse<String> call(String tenant, String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + runtimes.get(tenant).httpPort() + path))
        .header("Authorization", "Bearer " + token(tenant, List.of("tenant-admin")))
        .timeout(Duration.ofSeconds(60));
    return HTTP.send(body == null ? request.method(method, HttpRequest.BodyPublishers.noBody()).build()
        : request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
