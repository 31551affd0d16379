package dev.tenantry.operator.admission;

import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.webhook.admission.AdmissionController;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the tenant-isolation admission webhooks over HTTPS on every operator replica, leader
 * or not, with a serving certificate from the platform CA that it renews by itself. Vert.x (the
 * HTTP stack fabric8 already brings) serves TLS; each path is one {@link AdmissionController} of
 * the webhooks framework, and the API server's AdmissionReview is read and written with fabric8's
 * model. Decisions may read the API server, so they run on worker threads, never the event loop.
 */
public final class AdmissionWebhookServer implements AutoCloseable {

  /** Pods (refused when they break the plan's policy) and workloads (accepted with warnings). */
  public static final String PODS_PATH = "/admission/pods";
  /** Services: the plan's Service types, no external IPs. */
  public static final String SERVICES_PATH = "/admission/services";
  /** Objects labelled as the operator's: only the operator and the cluster's controllers may touch them. */
  public static final String PLATFORM_OBJECTS_PATH = "/admission/platform-objects";
  /** Subresources (exec, attach, port-forward, debug containers, scale) of the platform's objects. */
  public static final String PLATFORM_SUBRESOURCES_PATH = "/admission/platform-subresources";
  /** Ingresses: the tenant's hosts only, first claim wins, the plan's classes, no configuration snippets. */
  public static final String INGRESSES_PATH = "/admission/ingresses";
  /** Owners' NetworkPolicies: their own namespace and the plan's egress ranges only. */
  public static final String NETWORK_POLICIES_PATH = "/admission/networkpolicies";
  /** Endpoints and EndpointSlices: never written by hand. */
  public static final String ENDPOINTS_PATH = "/admission/endpoints";
  /** PodDisruptionBudgets: each must allow a disruption. */
  public static final String DISRUPTION_BUDGETS_PATH = "/admission/disruption-budgets";
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(90);
  static final Duration POLICY_CACHE = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionWebhookServer.class);
  /** Whether netty-tcnative's BoringSSL loaded on this platform (else the JDK's TLS serves). */
  private static final boolean BORINGSSL = OpenSSLEngineOptions.isAvailable();

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, AdmissionController<?>> controllers;
  private final MeterRegistry registry;
  private final HostClaims hostClaims;

  private AdmissionWebhookServer(WebhookSettings settings, CertificateAuthority ca, KubernetesClient client,
      Clock clock, MeterRegistry registry) {
    this.registry = registry;
    TenantPolicies policies = new TenantPolicies(client, POLICY_CACHE);
    hostClaims = new HostClaims(client, POLICY_CACHE);
    String operator = settings.operatorIdentity();
    controllers = Map.of(
        PODS_PATH, controller(new WorkloadAdmission(policies)),
        SERVICES_PATH, controller(new ServiceAdmission(policies)),
        PLATFORM_OBJECTS_PATH, controller(new PlatformObjectGuard(operator)),
        PLATFORM_SUBRESOURCES_PATH, controller(new PlatformSubresourceGuard(client, operator)),
        INGRESSES_PATH, controller(new IngressAdmission(policies, hostClaims, operator)),
        NETWORK_POLICIES_PATH, controller(new NetworkPolicyAdmission(policies, operator)),
        ENDPOINTS_PATH, controller(new HandWrittenEndpointsGuard(operator)),
        DISRUPTION_BUDGETS_PATH, controller(new DisruptionBudgetAdmission(client, operator)));
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(settings.threads()));
    ServingCertificate certificate = issue(settings, ca, clock);
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.bindAddress())
        .setPort(settings.port())
        .setSsl(true)
        // HTTP/2 for clients that offer it; Kubernetes' own webhook client pins HTTP/1.1
        .setUseAlpn(true)
        // BoringSSL: under bursts the API server opens a connection for about every second review,
        // and the JDK's handshake cost more CPU than the review itself (docs/benchmarks.md)
        .setSslEngineOptions(BORINGSSL ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
        .setKeyCertOptions(keyCert(certificate)));
    server.requestHandler(this::serve);
    // each new connection is a TLS handshake: the figure that says whether the API server reuses them
    Counter connections = Counter.builder("tenantry.admission.connections").description("TLS connections opened to the admission webhooks")
        .register(registry);
    server.connectionHandler(connection -> connections.increment());
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      hostClaims.close();
      throw new IllegalStateException("cannot listen on admission webhook port " + settings.port(), e);
    }
    scheduleRenewal(settings, ca, clock, certificate);
  }

  /** Starts serving; the caller closes it. */
  public static AdmissionWebhookServer start(WebhookSettings settings, CertificateAuthority ca,
      KubernetesClient client, Clock clock, MeterRegistry registry) {
    AdmissionWebhookServer started = new AdmissionWebhookServer(settings, ca, client, clock, registry);
    LOG.info("admission webhooks on https port {} ({}), TLS by {}", started.port(),
        String.join(", ", new java.util.TreeSet<>(started.controllers.keySet())), BORINGSSL ? "BoringSSL" : "the JDK");
    return started;
  }

  public int port() {
    return server.actualPort();
  }

  private static AdmissionController<?> controller(AdmissionRequestHandler handler) {
    return new AdmissionController<>(handler);
  }

  private void serve(HttpServerRequest request) {
    AdmissionController<?> controller = controllers.get(request.path());
    if (controller == null) {
      respond(request, 404, Map.of("message", "no admission webhook at " + request.path()));
      return;
    }
    if (!"POST".equals(request.method().name())) {
      respond(request, 405, Map.of("message", "POST an admission.k8s.io/v1 AdmissionReview"));
      return;
    }
    Timer.Sample sample = Timer.start(registry);
    request.body()
        .compose(body -> vertx.executeBlocking(() -> decide(controller, body), false))
        .onSuccess(answer -> {
          respond(request, answer.status(), answer.body());
          sample.stop(timer(request, answer.outcome()));
        })
        .onFailure(e -> {
          LOG.warn("admission webhook {} failed: {}", request.path(), e.toString());
          respond(request, 500, Map.of("message", String.valueOf(e.getMessage())));
          sample.stop(timer(request, "error"));
        });
  }

  /** {@code tenantry_admission_seconds}: per webhook, decision and the HTTP version the caller speaks. */
  private Timer timer(HttpServerRequest request, String outcome) {
    return Timer.builder("tenantry.admission")
        .description("Admission reviews answered by the tenant-isolation webhooks")
        .tags(Tags.of("webhook", request.path(), "outcome", outcome, "protocol", request.version().name()))
        .register(registry);
  }

  private record Answer(int status, Object body) {
    String outcome() {
      if (!(body instanceof AdmissionReview review) || review.getResponse() == null) {
        return "invalid";
      }
      return Boolean.TRUE.equals(review.getResponse().getAllowed()) ? "allowed" : "denied";
    }
  }

  private static Answer decide(AdmissionController<?> controller, Buffer body) {
    AdmissionReview review;
    try {
      review = Serialization.unmarshal(body.toString(), AdmissionReview.class);
    } catch (RuntimeException unreadable) {
      return new Answer(400, Map.of("message", "not an admission.k8s.io/v1 AdmissionReview: "
          + unreadable.getMessage()));
    }
    if (review == null || review.getRequest() == null) {
      return new Answer(400, Map.of("message", "AdmissionReview without a request"));
    }
    return new Answer(200, controller.handle(review));
  }

  private static void respond(HttpServerRequest request, int status, Object body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(Serialization.asJson(body));
  }

  private static ServingCertificate issue(WebhookSettings settings, CertificateAuthority ca, Clock clock) {
    return ca.issueServingCertificate(settings.certificateNames(), CERTIFICATE_VALIDITY, clock);
  }

  /** Issues a fresh certificate two thirds into the current one's life; new handshakes get it. */
  private void scheduleRenewal(WebhookSettings settings, CertificateAuthority ca, Clock clock,
      ServingCertificate certificate) {
    long delay = Math.max(60_000, Duration.between(clock.instant(), certificate.renewAt()).toMillis());
    vertx.setTimer(delay, timer -> {
      ServingCertificate renewed = issue(settings, ca, clock);
      server.updateSSLOptions(new SSLOptions().setKeyCertOptions(keyCert(renewed)))
          .onSuccess(updated -> LOG.info("admission webhook certificate renewed"))
          .onFailure(e -> LOG.warn("cannot renew the admission webhook certificate: {}", e.toString()));
      scheduleRenewal(settings, ca, clock, renewed);
    });
  }

  private static PemKeyCertOptions keyCert(ServingCertificate certificate) {
    return new PemKeyCertOptions()
        .addCertValue(Buffer.buffer(certificate.certificatePem() + certificate.caPem()))
        .addKeyValue(Buffer.buffer(certificate.keyPem()));
  }

  @Override
  public void close() {
    hostClaims.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("admission webhooks did not stop cleanly: {}", e.toString());
    }
  }
}
