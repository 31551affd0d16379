package dev.tenantry.operator;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.operator.admission.AdmissionWebhookServer;
import dev.tenantry.operator.admission.WebhookCaBundle;
import dev.tenantry.operator.backup.BackupStore;
import dev.tenantry.operator.backup.TenantBackupReconciler;
import dev.tenantry.operator.backup.TenantBackupScheduleReconciler;
import dev.tenantry.operator.backup.TenantRestoreReconciler;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.lifecycle.LeaderLease;
import dev.tenantry.operator.lifecycle.ShutdownDeadline;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.PlatformCaStore;
import dev.tenantry.operator.rollout.TenantRolloutReconciler;
import dev.tenantry.operator.runtimeapi.OperatorSigningKey;
import dev.tenantry.operator.runtimeapi.RuntimeAdminClient;
import dev.tenantry.operator.runtimeapi.RuntimeAddresses;
import dev.tenantry.operator.tenant.model.PlatformSettings;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.tenant.TenantMetrics;
import dev.tenantry.operator.tenant.TenantReconciler;
import dev.tenantry.operator.tracing.TenantTracing;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code operator.jar}: wires the reconcilers, leader election and the HTTP probes. */
public final class TenantryOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TenantryOperator.class);
  public static final String LEASE_NAME = TenantryApi.OPERATOR;
  /** How long in-flight reconciles may finish after SIGTERM before their threads are abandoned. */
  static final Duration RECONCILE_DRAIN = Duration.ofSeconds(3);
  /** SIGTERM to exit at most: inside the chart's 30 s grace period and the 10 s. */
  static final Duration LEASE_RELEASE_TIMEOUT = Duration.ofSeconds(2);
  static final Duration STOP_DEADLINE = Duration.ofSeconds(8);

  private final Operator operator;
  private final OperatorHttpServer http;
  private final Optional<TenantDatabases> databases;
  private final TenantTracing tracing;
  private final Optional<AdmissionWebhookServer> webhook;
  private final Optional<WebhookCaBundle> caBundle;
  private final BackupStore backups;
  private final KubernetesClient client;
  private final Optional<LeaderLease> lease;
  private final AtomicBoolean stopping;

  private TenantryOperator(Operator operator, OperatorHttpServer http, Optional<TenantDatabases> databases,
      TenantTracing tracing, Optional<AdmissionWebhookServer> webhook, Optional<WebhookCaBundle> caBundle,
      BackupStore backups, KubernetesClient client, Optional<LeaderLease> lease, AtomicBoolean stopping) {
    this.client = client;
    this.lease = lease;
    this.stopping = stopping;
    this.operator = operator;
    this.http = http;
    this.databases = databases;
    this.tracing = tracing;
    this.webhook = webhook;
    this.caBundle = caBundle;
    this.backups = backups;
  }

  public static void main(String[] args) {
    OperatorConfig config = OperatorConfig.fromEnvironment(System.getenv());
    ApiWriteCounter writes = new ApiWriteCounter();
    KubernetesClient client = new KubernetesClientBuilder()
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(ApiWriteCounter.NAME, writes))
        .build();
    // a replica that loses its lease exits so Kubernetes restarts it as a clean standby
    TenantryOperator running = start(config, client, Clock.systemUTC(), TenantTracing.fromEnvironment(System.getenv()),
        writes, true, RuntimeAddresses.serviceClusterIp());
    ShutdownDeadline.install(running::close, STOP_DEADLINE);
  }

  /** Starts an operator with {@code client}; the caller closes it (tests run it in-process). */
  public static TenantryOperator start(OperatorConfig config, KubernetesClient client, Clock clock) {
    return start(config, client, clock, TenantTracing.fromEnvironment(System.getenv()), new ApiWriteCounter(), false,
        RuntimeAddresses.serviceClusterIp());
  }

  /**
   * As {@link #start(OperatorConfig, KubernetesClient, Clock)}, reaching tenant runtimes at
   * {@code runtimes} (tests run them as local processes, not behind Services).
   */
  public static TenantryOperator start(OperatorConfig config, KubernetesClient client, Clock clock,
      RuntimeAddresses runtimes) {
    return start(config, client, clock, TenantTracing.fromEnvironment(System.getenv()), new ApiWriteCounter(), false,
        runtimes);
  }

  /** As {@link #start(OperatorConfig, KubernetesClient, Clock)}, with the given tracing. */
  public static TenantryOperator start(OperatorConfig config, KubernetesClient client, Clock clock,
      TenantTracing tracing) {
    return start(config, client, clock, tracing, new ApiWriteCounter(), false, RuntimeAddresses.serviceClusterIp());
  }

  private static TenantryOperator start(OperatorConfig config, KubernetesClient client, Clock clock,
      TenantTracing tracing, ApiWriteCounter writes, boolean exitOnLostLease, RuntimeAddresses runtimeAddresses) {
    ensureNamespace(client, config.platformNamespace());
    CertificateAuthority ca = new PlatformCaStore(client, config.platformNamespace(), clock).loadOrCreate();
    OperatorSigningKey signingKey = OperatorSigningKey.loadOrCreate(client, config.platformNamespace(), clock);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    writes.bindTo(registry);
    // admission first: the operator's own writes into tenant namespaces go through it
    Optional<AdmissionWebhookServer> webhook = config.webhook().enabled()
        ? Optional.of(AdmissionWebhookServer.start(config.webhook(), ca, client, clock, registry))
        : Optional.empty();
    Optional<WebhookCaBundle> caBundle = webhook.map(w ->
        WebhookCaBundle.keepInStep(client, config.webhook().configurationName(), ca));
    Optional<TenantDatabases> databases = config.postgres().map(TenantDatabases::new);
    PlatformSettings settings = new PlatformSettings(
        config.platformNamespace(),
        config.ingressNamespace(),
        config.postgres().map(p -> p.tenantHost()),
        config.postgres().map(p -> p.tenantPort()).orElse(5432),
        client.supports(PodDisruptionBudget.class),
        signingKey.publicJwk());
    Optional<LeaderLease> lease = config.leaderElection()
        ? Optional.of(new LeaderLease(config.platformNamespace(), LEASE_NAME, config.instanceId(),
            config.leaseDuration(), exitOnLostLease))
        : Optional.empty();

    Operator operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          // compare resourceVersions, so an informer event older than what the operator just
          // wrote never replaces it in the cache (no stale reads, no repeated writes)
          .withParseResourceVersions(true)
          .withReconciliationTerminationTimeout(RECONCILE_DRAIN)
          .withCloseClientOnStop(false);
      lease.ifPresent(l -> overrider.withLeaderElectionConfiguration(l.configuration()));
    });
    ClusterEvents events = new ClusterEvents(client, clock);
    RuntimeAdminClient runtimes = new RuntimeAdminClient(runtimeAddresses, ca.certificate(), signingKey,
        config.backup().runtimeTimeout());
    operator.register(new TenantReconciler(settings, ca, databases, clock, events, new TenantMetrics(registry), tracing,
        runtimes::lastActivity));
    operator.register(new TenantRolloutReconciler(clock, events));
    BackupStore backups = config.backup().store();
    operator.register(new TenantBackupReconciler(backups, runtimes, config.backup(), clock, events));
    operator.register(new TenantRestoreReconciler(backups, runtimes, config.backup(), clock, events));
    operator.register(new TenantBackupScheduleReconciler(clock, events));
    operator.start();
    AtomicBoolean stopping = new AtomicBoolean();
    OperatorHttpServer http = new OperatorHttpServer(config.httpPort(),
        () -> true,
        () -> !stopping.get() && operator.getRuntimeInfo().isStarted()
            && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        registry);
    LOG.info("tenantry operator {} started: platform namespace {}, probes and metrics on port {}",
        config.instanceId(), config.platformNamespace(), http.port());
    return new TenantryOperator(operator, http, databases, tracing, webhook, caBundle, backups, client, lease,
        stopping);
  }

  public int httpPort() {
    return http.port();
  }

  /** The HTTPS port of the admission webhooks; empty when they are off. */
  public Optional<Integer> webhookPort() {
    return webhook.map(AdmissionWebhookServer::port);
  }

  private static void ensureNamespace(KubernetesClient client, String name) {
    if (client.namespaces().withName(name).get() != null) {
      return;
    }
    try {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * Stops in the order a rolling update needs: not ready, reconciles drained (bounded by
   * {@link #RECONCILE_DRAIN}), the lease handed to a standby, and the webhooks last, because the
   * draining reconciles' own writes still pass through them.
   */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    lease.ifPresent(LeaderLease::stopping);
    operator.stop();
    lease.ifPresent(l -> l.release(client, LEASE_RELEASE_TIMEOUT));
    http.close();
    caBundle.ifPresent(WebhookCaBundle::close);
    webhook.ifPresent(AdmissionWebhookServer::close);
    databases.ifPresent(TenantDatabases::close);
    tracing.close();
    if (backups instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing the backup store: {}", e.getMessage());
      }
    }
  }
}
