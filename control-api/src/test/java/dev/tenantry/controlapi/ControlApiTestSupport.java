package dev.tenantry.controlapi;

import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real kube-apiserver for the control API under test, and a WebSocket listener that records messages. */
public final class ControlApiTestSupport {
  public static final JsonMapper JSON = JsonMapper.builder().build();

  private ControlApiTestSupport() {}

  /** Starts an API server with the CRDs and example plans; one per test class. */
  public static KubeApiServer startApiServer() {
    KubeApiServer server = KubeApiServer.start();
    try (KubernetesClient client = server.newClient()) {
      TenantryCrds.install(client);
      TenantryCrds.installExamplePlans(client);
    }
    return server;
  }

  /** The bootstrap admin token the control API wrote to its Secret. */
  public static String adminToken(KubernetesClient client) {
    var secret = client.secrets().inNamespace("tenantry-system").withName("tenantry-admin-token").get();
    return new String(java.util.Base64.getDecoder().decode(secret.getData().get("token")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Makes the application use the test's API server. */
  @TestConfiguration(proxyBeanMethods = false)
  public static class UseApiServer {
    static KubeApiServer server;

    @Bean
    @Primary
    KubernetesClient testKubernetesClient() {
      return server.newClient();
    }
  }

  public static void use(KubeApiServer server) {
    UseApiServer.server = server;
  }

  /** An admin token the platform key signed two hours ago, valid for one hour. */
  public static String expiredAdminToken(dev.tenantry.controlapi.keys.PlatformKeys keys) {
    java.time.Instant issued = java.time.Instant.now().minus(java.time.Duration.ofHours(2));
    return adminToken(keys.signingKey(), issued, issued.plus(java.time.Duration.ofHours(1)));
  }

  /** A well-formed admin token signed by a key that is not the platform's. */
  public static String forgedToken() {
    try {
      var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("forged").generate();
      return adminToken(key, null, java.time.Instant.now().plusSeconds(600));
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String adminToken(com.nimbusds.jose.jwk.ECKey key, java.time.Instant issued, java.time.Instant expires) {
    try {
      var jwt = new com.nimbusds.jwt.SignedJWT(
          new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
          new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("admin").issuer(dev.tenantry.controlapi.keys.PlatformKeys.ISSUER)
              .claim("roles", List.of("platform-admin"))
              .issueTime(issued == null ? null : java.util.Date.from(issued))
              .expirationTime(java.util.Date.from(expires)).build());
      jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Records the JSON messages and the close of a WebSocket, with the JDK's client. */
  public static final class Recorder implements WebSocket.Listener {
    public final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    public final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    public final AtomicInteger heartbeats = new AtomicInteger();

    public static Recorder connect(String url) throws Exception {
      return connect(url, null);
    }

    /** Connects with the token, when there is one, in the handshake's Authorization header. */
    public static Recorder connect(String url, String token) throws Exception {
      Recorder recorder = new Recorder();
      WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      builder.buildAsync(URI.create(url), recorder).get(10, TimeUnit.SECONDS);
      return recorder;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode message = JSON.readTree(partial.toString());
        partial.setLength(0);
        if ("heartbeat".equals(message.path("type").asString())) {
          heartbeats.incrementAndGet();
        } else {
          messages.add(message);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
      closed.complete(code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
