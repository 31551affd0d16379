package dev.tenantry.controlapi;

import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.tenant.ProvisioningStep;
import dev.tenantry.operator.tenant.StepOutcome;
import dev.tenantry.operator.hibernation.HibernationDecision;
import dev.tenantry.operator.hibernation.HibernationPlanner;
import dev.tenantry.operator.tenant.TenantStatusBuilder;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real kube-apiserver for the control API under test, operator-built statuses, and a WebSocket listener that records messages. */
public final class ControlApiTestSupport {
  public static final JsonMapper JSON = JsonMapper.builder().build();

  private ControlApiTestSupport() {}

  /**
   * Runs the annotated Spring test's application on a real kube-apiserver (CRDs and example plans
   * installed) started with its context and stopped when the context closes: one per test class
   * with {@code @DirtiesContext}. The server is a bean ({@link KubeApiServer}) and the
   * application's {@link KubernetesClient} talks to it.
   */
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @org.springframework.test.context.ContextConfiguration(initializers = ApiServerInitializer.class)
  @org.springframework.context.annotation.Import(UseApiServer.class)
  public @interface OnKubeApiServer {}

  /** Starts the API server as the context starts, so it exists before any bean that needs it. */
  static final class ApiServerInitializer
      implements org.springframework.context.ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      KubeApiServer server = KubeApiServer.start();
      try (KubernetesClient client = server.newClient()) {
        TenantryCrds.install(client);
        TenantryCrds.installExamplePlans(client);
      }
      context.getBeanFactory().registerSingleton("kubeApiServer", server);
      context.addApplicationListener((org.springframework.context.ApplicationListener<ContextClosedEvent>) closed ->
          server.close());
    }
  }

  /**
   * Writes the status the operator would show after {@code completed} of the five steps (the
   * next one in progress), built by the operator's own {@link TenantStatusBuilder}.
   */
  public static void reportSteps(KubernetesClient client, String name, int completed,
      Optional<RuntimeStatus> runtime) {
    Tenant tenant = client.resources(Tenant.class).withName(name).get();
    List<StepOutcome> outcomes = new ArrayList<>();
    ProvisioningStep[] steps = ProvisioningStep.values();
    for (int i = 0; i < steps.length && i <= completed; i++) {
      outcomes.add(i < completed ? StepOutcome.done(steps[i], "Done", "step " + (i + 1))
          : StepOutcome.waiting(steps[i], "InProgress", "step " + (i + 1)));
    }
    tenant.setStatus(new TenantStatusBuilder(Clock.systemUTC())
        .build(tenant, outcomes, runtime, Optional.empty(), false));
    client.resource(tenant).patchStatus();
  }

  /**
   * Writes what the operator would for a provisioned tenant after its hibernation requests:
   * the decision of the operator's own planner (no idle hibernation, no runtime to ask).
   */
  public static void reportHibernation(KubernetesClient client, String name) {
    Tenant tenant = client.resources(Tenant.class).withName(name).get();
    List<StepOutcome> outcomes = new ArrayList<>();
    for (ProvisioningStep step : ProvisioningStep.values()) {
      outcomes.add(StepOutcome.done(step, "Done", step.description()));
    }
    HibernationDecision sleep = HibernationPlanner.decide(tenant, Optional.empty(), java.time.Instant.now(), true,
        asked -> {
          throw new IllegalStateException("no runtime here");
        });
    tenant.setStatus(new TenantStatusBuilder(Clock.systemUTC())
        .build(tenant, outcomes, Optional.empty(), Optional.empty(), false, sleep));
    client.resource(tenant).patchStatus();
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
    @Bean
    @Primary
    KubernetesClient testKubernetesClient(KubeApiServer server) {
      return server.newClient();
    }
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

  /**
   * The real operator in-process on the test's API server (no leader election, free ports), and
   * optionally the runtime pods it starts simulated where no kubelet runs.
   */
  public static final class InProcessOperator implements AutoCloseable {
    private final KubernetesClient client;
    private final dev.tenantry.operator.TenantryOperator operator;
    private final Optional<dev.tenantry.testkit.SimulatedRuntimePods> pods;

    private InProcessOperator(KubeApiServer server, Optional<java.util.function.Predicate<String>> starting) {
      this.client = server.newClient();
      this.pods = starting.map(images -> dev.tenantry.testkit.SimulatedRuntimePods.start(client, images));
      this.operator = dev.tenantry.operator.TenantryOperator.start(dev.tenantry.operator.OperatorConfig.fromEnvironment(
          java.util.Map.of("TENANTRY_LEADER_ELECTION", "false", "TENANTRY_OPERATOR_PORT", "0",
              "HOSTNAME", "operator-in-process", "TENANTRY_WEBHOOK_PORT", "0")), client, Clock.systemUTC());
    }

    /** The operator alone: the test reports runtime pods ready itself. */
    public static InProcessOperator start(KubeApiServer server) {
      return new InProcessOperator(server, Optional.empty());
    }

    /** The operator, and runtime pods that become ready for images {@code starting} accepts. */
    public static InProcessOperator withSimulatedPods(KubeApiServer server, java.util.function.Predicate<String> starting) {
      return new InProcessOperator(server, Optional.of(starting));
    }

    public dev.tenantry.testkit.SimulatedRuntimePods pods() {
      return pods.orElseThrow();
    }

    @Override
    public void close() {
      operator.close();
      pods.ifPresent(dev.tenantry.testkit.SimulatedRuntimePods::close);
      client.close();
    }
  }

  /** Creates tenants on {@code plan} and waits until every one is Ready (the operator must run). */
  public static void createReadyTenants(KubernetesClient client, String plan, List<String> names) {
    for (String name : names) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
      dev.tenantry.crds.tenant.TenantSpec spec = new dev.tenantry.crds.tenant.TenantSpec();
      spec.setPlan(plan);
      tenant.setSpec(spec);
      client.resource(tenant).create();
    }
    for (String name : names) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .until(() -> client.resources(Tenant.class).withName(name).get(),
              t -> t.getStatus() != null && t.getStatus().getPhase() == dev.tenantry.crds.tenant.Phase.Ready);
    }
  }

  /** Debian's headless Chromium driven by its chromedriver, with a fresh profile; fails naming the packages when missing. */
  public static org.openqa.selenium.WebDriver headlessChromium(java.nio.file.Path profile) {
    java.io.File driver = new java.io.File(System.getProperty("tenantry.chromedriver", "/usr/bin/chromedriver"));
    java.io.File chromium = new java.io.File(System.getProperty("tenantry.chromium", "/usr/bin/chromium"));
    if (!driver.canExecute() || !chromium.canExecute()) {
      throw new IllegalStateException("headless Chromium is needed: " + chromium + " and " + driver
          + " (apt-get install chromium chromium-driver; scripts/install-deps.sh does it)");
    }
    var options = new org.openqa.selenium.chrome.ChromeOptions()
        .setBinary(chromium)
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic", "--window-size=1280,1400", "--user-data-dir=" + profile.toAbsolutePath());
    return new org.openqa.selenium.chrome.ChromeDriver(
        new org.openqa.selenium.chrome.ChromeDriverService.Builder().usingDriverExecutable(driver).build(), options);
  }

  /** Keeps what the browser shows as {@code control-api/target/<name>}. */
  public static void saveScreenshot(org.openqa.selenium.WebDriver browser, String name) throws java.io.IOException {
    java.io.File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE);
    java.nio.file.Files.copy(shot.toPath(), java.nio.file.Path.of("target", name),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
