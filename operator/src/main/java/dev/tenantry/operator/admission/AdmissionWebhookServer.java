package dev.tenantry.operator.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.webhook.admission.AdmissionController;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the tenant-isolation admission webhooks over HTTPS on every operator replica, leader
 * or not, with a serving certificate from the platform CA that it renews by itself. Each path is
 * one {@link AdmissionController} of the webhooks framework; the API server's AdmissionReview is
 * read and written with fabric8's model.
 */
public final class AdmissionWebhookServer implements AutoCloseable {

  /** Pods (refused when they break the plan's policy) and workloads (accepted with warnings). */
  public static final String PODS_PATH = "/admission/pods";
  /** Services: the plan's Service types, no external IPs. */
  public static final String SERVICES_PATH = "/admission/services";
  /** Objects labelled as the operator's: only the operator and the cluster's controllers may touch them. */
  public static final String PLATFORM_OBJECTS_PATH = "/admission/platform-objects";
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(90);
  static final Duration POLICY_CACHE = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhookServer.class);

  private final HttpsServer server;
  private final ExecutorService workers;
  private final ScheduledExecutorService renewals;
  private final AtomicReference<X509ExtendedKeyManager> keys = new AtomicReference<>();
  private final AtomicReference<ServingCertificate> current = new AtomicReference<>();

  private AdmissionWebhookServer(WebhookSettings settings, CertificateAuthority ca, KubernetesClient client,
      Clock clock) {
    renewals = Executors.newSingleThreadScheduledExecutor(daemon("admission-certificate"));
    workers = Executors.newFixedThreadPool(settings.threads(), daemon("admission"));
    renew(settings, ca, clock);
    try {
      server = HttpsServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 128);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new X509ExtendedKeyManager[] {new RenewingKeyManager()}, null, null);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on admission webhook port " + settings.port(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS for the admission webhook", e);
    }
    TenantPolicies policies = new TenantPolicies(client, POLICY_CACHE);
    serve(PODS_PATH, new WorkloadAdmission(policies));
    serve(SERVICES_PATH, new ServiceAdmission(policies));
    serve(PLATFORM_OBJECTS_PATH, new PlatformObjectGuard(settings.operatorIdentity()));
    server.setExecutor(workers);
    server.start();
  }

  /** Starts serving; the caller closes it. */
  public static AdmissionWebhookServer start(WebhookSettings settings, CertificateAuthority ca,
      KubernetesClient client, Clock clock) {
    AdmissionWebhookServer started = new AdmissionWebhookServer(settings, ca, client, clock);
    LOG.info("admission webhooks on https port {} ({}, {}, {})", started.port(), PODS_PATH, SERVICES_PATH,
        PLATFORM_OBJECTS_PATH);
    return started;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The certificate served now. */
  public ServingCertificate certificate() {
    return current.get();
  }

  private void serve(String path, AdmissionRequestHandler handler) {
    AdmissionController<?> controller = new AdmissionController<>(handler);
    server.createContext(path, exchange -> {
      try (exchange) {
        if (!"POST".equals(exchange.getRequestMethod())) {
          respond(exchange, 405, "{\"message\":\"POST an AdmissionReview\"}");
          return;
        }
        AdmissionReview review;
        try (InputStream body = exchange.getRequestBody()) {
          review = Serialization.unmarshal(body, AdmissionReview.class);
        } catch (RuntimeException unreadable) {
          respond(exchange, 400, Serialization.asJson(java.util.Map.of("message",
              "not an admission.k8s.io/v1 AdmissionReview: " + unreadable.getMessage())));
          return;
        }
        if (review == null || review.getRequest() == null) {
          respond(exchange, 400, "{\"message\":\"AdmissionReview without a request\"}");
          return;
        }
        respond(exchange, 200, Serialization.asJson(controller.handle(review)));
      } catch (RuntimeException e) {
        LOG.warn("admission webhook {} failed: {}", path, e.toString());
        respond(exchange, 500, Serialization.asJson(java.util.Map.of("message", String.valueOf(e.getMessage()))));
      }
    });
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Issues a fresh certificate and schedules the next renewal two thirds into its life. */
  private void renew(WebhookSettings settings, CertificateAuthority ca, Clock clock) {
    ServingCertificate certificate = ca.issueServingCertificate(settings.certificateNames(), CERTIFICATE_VALIDITY,
        clock);
    keys.set(keyManager(certificate));
    current.set(certificate);
    long delay = Math.max(60, Duration.between(clock.instant(), certificate.renewAt()).toSeconds());
    renewals.schedule(() -> renew(settings, ca, clock), delay, TimeUnit.SECONDS);
  }

  private static X509ExtendedKeyManager keyManager(ServingCertificate certificate) {
    try {
      PrivateKey key = CertificateAuthority.Pem.parsePrivateKey(certificate.keyPem());
      X509Certificate[] chain = {certificate.certificate(), CertificateAuthority.Pem.parseCertificate(certificate.caPem())};
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("webhook", key, password, chain);
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot load the admission webhook's certificate", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    renewals.shutdownNow();
  }

  /** Hands every new TLS handshake the current certificate, so a renewal needs no restart. */
  private final class RenewingKeyManager extends X509ExtendedKeyManager {
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.get().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return keys.get().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return keys.get().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return keys.get().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return keys.get().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.get().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.get().getPrivateKey(alias);
    }
  }
}
