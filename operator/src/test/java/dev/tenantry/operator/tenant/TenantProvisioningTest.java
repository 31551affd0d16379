package dev.tenantry.operator.tenant;

import static dev.tenantry.operator.OperatorFixture.await;
import static dev.tenantry.operator.OperatorFixture.condition;
import static dev.tenantry.operator.OperatorFixture.markRuntimeReady;
import static dev.tenantry.operator.OperatorFixture.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.runtimeapi.OperatorSigningKey;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import dev.tenantry.testkit.ApiServerWrites;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator in-process against a real API server: what one Tenant turns into. */
@WithKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantProvisioningTest {

  TenantryOperator operator;
  static final io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter SPANS =
      io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();

  @BeforeAll
  void startOperator(KubernetesClient client) {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    operator = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC(),
        new dev.tenantry.operator.tracing.TenantTracing(java.util.Optional.of(SPANS)));
  }

  /** Deletes every tenant through the operator, so no tenant database is left on the shared PostgreSQL. */
  @AfterAll
  void deleteTenantsAndStopOperator(KubernetesClient client) {
    try {
      client.resources(Tenant.class).delete();
      await().until(() -> client.resources(Tenant.class).list().getItems().isEmpty());
    } finally {
      if (operator != null) {
        operator.close();
      }
    }
  }

  @Test
  void aTenantBecomesANamespaceWithEveryDependentOwnedByIt(KubernetesClient client) throws Exception {
    Tenant tenant = Tenant.onPlan("alpha", "free");
    tenant.getSpec().setDisplayName("Alpha");
    tenant.getSpec().setOwners(List.of(new Owner(Owner.Kind.User, "alice@alpha.example"),
        new Owner(Owner.Kind.Group, "alpha-admins")));
    tenant.getSpec().setIngress(new IngressSpec("alpha.tenants.example.com"));
    Tenant created = client.resource(tenant).create();

    Tenant provisioned = waitFor(client, "alpha", t -> t.getStatus() != null
        && t.getStatus().condition("RuntimeReady").map(c -> "WaitingForPods".equals(c.getReason())).orElse(false));
    assertThat(provisioned.getStatus().getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(provisioned.getStatus().getNamespace()).isEqualTo("tenant-alpha");
    assertThat(provisioned.getStatus().condition("RuntimeReady")).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("WaitingForPods");
      assertThat(c.getMessage()).startsWith("waiting for runtime pods");
    });
    for (String type : List.of("PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady")) {
      assertThat(condition(provisioned, type)).as(type).hasValue("True");
    }
    assertThat(provisioned.getStatus().getProvisioning().getCompletedSteps()).isEqualTo(4);
    assertThat(provisioned.getStatus().getProvisioning().getTotalSteps()).isEqualTo(5);
    assertThat(provisioned.getStatus().getEndpoints().getRest()).isEqualTo("https://alpha.tenants.example.com/api/v1");

    String ns = "tenant-alpha";
    Namespace namespace = client.namespaces().withName(ns).get();
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("tenantry.dev/tenant", "alpha")
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertOwnedBy(namespace, created);

    var quota = client.resourceQuotas().inNamespace(ns).withName("tenant-quota").get();
    assertThat(quota.getSpec().getHard().get("limits.cpu").toString()).isEqualTo("1");
    assertThat(quota.getSpec().getHard().get("pods").toString()).isEqualTo("4");
    assertOwnedBy(quota, created);
    assertOwnedBy(client.limitRanges().inNamespace(ns).withName("tenant-limits").get(), created);

    NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation").get();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertOwnedBy(policy, created);

    assertThat(client.serviceAccounts().inNamespace(ns).withName("tenant-runtime").get()
        .getAutomountServiceAccountToken()).isFalse();
    var owners = client.rbac().roleBindings().inNamespace(ns).withName("tenant-owners").get();
    assertThat(owners.getRoleRef().getName()).isEqualTo("admin");
    assertThat(owners.getSubjects()).extracting(s -> s.getKind() + ":" + s.getName())
        .containsExactly("User:alice@alpha.example", "Group:alpha-admins");

    ConfigMap config = client.configMaps().inNamespace(ns).withName("tenant-config").get();
    assertThat(config.getData()).containsEntry("tenant", "alpha").containsEntry("features", "rest,graphql,websocket");
    // the control API's published keys and the operator's own public key, nothing private
    String operatorKey = decode(client.secrets().inNamespace(OperatorFixture.PLATFORM_NAMESPACE)
        .withName(OperatorSigningKey.SECRET_NAME).get(), "key.jwk");
    var keys = com.nimbusds.jose.jwk.JWKSet.parse(config.getData().get("jwks.json")).getKeys();
    assertThat(keys).extracting(com.nimbusds.jose.jwk.JWK::getKeyID)
        .containsExactly("test", com.nimbusds.jose.jwk.JWK.parse(operatorKey).getKeyID());
    assertThat(keys).noneMatch(com.nimbusds.jose.jwk.JWK::isPrivate);

    Secret tls = client.secrets().inNamespace(ns).withName("runtime-tls").get();
    ServingCertificate certificate = new ServingCertificate(decode(tls, "tls.crt"), decode(tls, "tls.key"),
        decode(tls, "ca.crt"));
    Secret caSecret = client.secrets().inNamespace(OperatorFixture.PLATFORM_NAMESPACE).withName("tenantry-ca").get();
    CertificateAuthority ca = CertificateAuthority.fromPem(decode(caSecret, "tls.crt"), decode(caSecret, "tls.key"));
    assertThat(ca.signed(certificate.certificate())).isTrue();
    assertThat(certificate.dnsNames()).contains("runtime.tenant-alpha.svc", "alpha.tenants.example.com");

    assertThat(client.persistentVolumeClaims().inNamespace(ns).withName("data").get()).isNotNull();
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("runtime").get();
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("tenantry/tenant-runtime:0.1.0");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertOwnedBy(deployment, created);
    assertThat(client.services().inNamespace(ns).withName("runtime").get().getSpec().getPorts())
        .extracting(p -> p.getPort()).containsExactly(8080, 9090);
    assertThat(client.network().v1().ingresses().inNamespace(ns).withName("runtime").get().getSpec().getRules()
        .get(0).getHost()).isEqualTo("alpha.tenants.example.com");

    markRuntimeReady(client, "alpha");
    Tenant ready = waitFor(client, "alpha", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(condition(ready, "Ready")).hasValue("True");
    assertThat(ready.getStatus().getProvisioning().getCompletedSteps()).isEqualTo(5);
    assertThat(ready.getStatus().getRuntime().getReadyReplicas()).isEqualTo(1);
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(ready.getMetadata().getGeneration());
  }

  @Test
  void theStatusProgressesThroughTheConditionsInOrder(KubernetesClient client) throws Exception {
    List<Tenant> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch = client.resources(Tenant.class).withName("beta").watch(new io.fabric8.kubernetes.client.Watcher<>() {
      @Override
      public void eventReceived(Action action, Tenant resource) {
        seen.add(resource);
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
    })) {
      client.resource(Tenant.onPlan("beta", "free")).create();
      await().until(() -> seen.stream().anyMatch(t -> t.getStatus() != null
          && t.getStatus().condition("RuntimeReady").map(c -> "WaitingForPods".equals(c.getReason())).orElse(false)));
    }
    List<Integer> completed = seen.stream().filter(t -> t.getStatus() != null && t.getStatus().getProvisioning() != null)
        .map(t -> t.getStatus().getProvisioning().getCompletedSteps()).distinct().toList();
    assertThat(completed).as("every step published as it completed, in order").containsExactly(1, 2, 3, 4);
    List<String> order = new java.util.ArrayList<>();
    for (Tenant t : seen) {
      if (t.getStatus() == null) {
        continue;
      }
      for (String type : List.of("PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady")) {
        if (condition(t, type).orElse("").equals("True") && !order.contains(type)) {
          order.add(type);
        }
      }
    }
    assertThat(order).containsExactly("PlanResolved", "NamespaceReady", "CredentialsReady", "DatabaseReady");
    assertThat(seen.stream().filter(t -> t.getStatus() != null).map(t -> t.getStatus().getPhase()).distinct())
        .containsExactly(Phase.Provisioning);
    var events = client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "beta".equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    assertThat(events).contains("Provisioning");
  }

  @Test
  void aPlanChangeUpdatesQuotaAndDeploymentOfItsTenants(KubernetesClient client) {
    var plan = TenantryCrds.load(client, TenantryCrds.checkout().resolve("crds/examples/plan-free.yaml"),
        dev.tenantry.crds.plan.TenantPlan.class);
    plan.getMetadata().setName("changing");
    client.resource(plan).create();
    client.resource(Tenant.onPlan("gamma", "changing")).create();
    await().until(() -> client.apps().deployments().inNamespace("tenant-gamma").withName("runtime").get() != null);

    client.resources(dev.tenantry.crds.plan.TenantPlan.class).withName("changing").edit(p -> {
      p.getSpec().getQuota().setCpu(new io.fabric8.kubernetes.api.model.Quantity("3"));
      p.getSpec().getRuntime().setImage("tenantry/tenant-runtime:0.2.0");
      p.getSpec().getRuntime().setReplicas(2);
      return p;
    });
    await().untilAsserted(() -> {
      Deployment deployment = client.apps().deployments().inNamespace("tenant-gamma").withName("runtime").get();
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("tenantry/tenant-runtime:0.2.0");
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      assertThat(client.resourceQuotas().inNamespace("tenant-gamma").withName("tenant-quota").get()
          .getSpec().getHard().get("limits.cpu").toString()).isEqualTo("3");
    });
  }

  /**
   * A reconcile that fails (here: the plan's volume size lowered, which the API server refuses
   * for an existing claim) shows on the Tenant, at the step that failed, without reading events.
   */
  @Test
  void aFailingReconcileShowsItsErrorAsConditionsOfTheStepThatFailed(KubernetesClient client) {
    var plan = TenantryCrds.load(client, TenantryCrds.checkout().resolve("crds/examples/plan-free.yaml"),
        dev.tenantry.crds.plan.TenantPlan.class);
    plan.getMetadata().setName("shrinking");
    client.resource(plan).create();
    client.resource(Tenant.onPlan("omega", "shrinking")).create();
    markRuntimeReady(client, "omega");
    waitFor(client, "omega", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);

    client.resources(dev.tenantry.crds.plan.TenantPlan.class).withName("shrinking").edit(p -> {
      p.getSpec().getStorage().setSize(new io.fabric8.kubernetes.api.model.Quantity("512Mi"));
      return p;
    });
    Tenant failed = waitFor(client, "omega", t -> condition(t, "DatabaseReady").filter("False"::equals).isPresent());
    assertThat(failed.getStatus().getPhase()).as("it was Ready").isEqualTo(Phase.Degraded);
    var database = failed.getStatus().condition("DatabaseReady").orElseThrow();
    assertThat(database.getReason()).isEqualTo(TenantReconciler.RECONCILE_FAILED);
    assertThat(database.getMessage()).contains("persistentvolumeclaims").contains("data");
    assertThat(failed.getStatus().condition("Ready").orElseThrow().getReason())
        .isEqualTo(TenantReconciler.RECONCILE_FAILED);
    assertThat(failed.getStatus().condition("NamespaceReady").orElseThrow().getStatus())
        .as("the steps before it are as they were").isEqualTo("True");

    client.resources(dev.tenantry.crds.plan.TenantPlan.class).withName("shrinking").edit(p -> {
      p.getSpec().getStorage().setSize(new io.fabric8.kubernetes.api.model.Quantity("1Gi"));
      return p;
    });
    waitFor(client, "omega", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready
        && condition(t, "DatabaseReady").filter("True"::equals).isPresent());
  }

  @Test
  void suspendScalesToZeroAndResumeBringsTheRuntimeBack(KubernetesClient client) {
    client.resource(Tenant.onPlan("delta", "free")).create();
    markRuntimeReady(client, "delta");
    waitFor(client, "delta", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);

    client.resources(Tenant.class).withName("delta").edit(t -> {
      t.getSpec().setSuspended(true);
      return t;
    });
    Tenant suspended = waitFor(client, "delta", t -> t.getStatus().getPhase() == Phase.Suspended);
    assertThat(client.apps().deployments().inNamespace("tenant-delta").withName("runtime").get().getSpec().getReplicas())
        .isZero();
    assertThat(client.persistentVolumeClaims().inNamespace("tenant-delta").withName("data").get())
        .as("data kept").isNotNull();
    assertThat(suspended.getStatus().condition("Ready")).hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Suspended"));

    client.resources(Tenant.class).withName("delta").edit(t -> {
      t.getSpec().setSuspended(false);
      return t;
    });
    await().until(() -> client.apps().deployments().inNamespace("tenant-delta").withName("runtime").get()
        .getSpec().getReplicas() == 1);
    markRuntimeReady(client, "delta");
    waitFor(client, "delta", t -> t.getStatus().getPhase() == Phase.Ready);
  }

  @Test
  void driftOnManagedObjectsIsUndone(KubernetesClient client) {
    client.resource(Tenant.onPlan("epsilon", "free")).create();
    String ns = "tenant-epsilon";
    await().until(() -> client.apps().deployments().inNamespace(ns).withName("runtime").get() != null);
    Secret originalTls = client.secrets().inNamespace(ns).withName("runtime-tls").get();

    client.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation").delete();
    client.apps().deployments().inNamespace(ns).withName("runtime").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil/image:latest");
      d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext().setReadOnlyRootFilesystem(false);
      return d;
    });
    client.secrets().inNamespace(ns).withName("runtime-tls").delete();
    client.resourceQuotas().inNamespace(ns).withName("tenant-quota").edit(q -> {
      q.getSpec().getHard().put("pods", new io.fabric8.kubernetes.api.model.Quantity("1000"));
      return q;
    });

    await().untilAsserted(() -> {
      assertThat(client.network().v1().networkPolicies().inNamespace(ns).withName("tenant-isolation").get()).isNotNull();
      var container = client.apps().deployments().inNamespace(ns).withName("runtime").get()
          .getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("tenantry/tenant-runtime:0.1.0");
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      Secret tls = client.secrets().inNamespace(ns).withName("runtime-tls").get();
      assertThat(tls).isNotNull();
      assertThat(tls.getMetadata().getUid()).isNotEqualTo(originalTls.getMetadata().getUid());
      assertThat(client.resourceQuotas().inNamespace(ns).withName("tenant-quota").get().getSpec().getHard()
          .get("pods").toString()).isEqualTo("4");
    });
  }

  @Test
  void aMissingPlanChangesNothingUntilThePlanAppears(KubernetesClient client) {
    client.resource(Tenant.onPlan("zeta", "later")).create();
    Tenant pending = waitFor(client, "zeta", t -> t.getStatus() != null
        && t.getStatus().condition("PlanResolved").isPresent());
    assertThat(pending.getStatus().getPhase()).isEqualTo(Phase.Pending);
    assertThat(pending.getStatus().condition("PlanResolved")).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("PlanNotFound");
      assertThat(c.getMessage()).contains("'later' does not exist");
    });
    assertThat(client.namespaces().withName("tenant-zeta").get()).isNull();

    var plan = TenantryCrds.load(client, TenantryCrds.checkout().resolve("crds/examples/plan-free.yaml"),
        dev.tenantry.crds.plan.TenantPlan.class);
    plan.getMetadata().setName("later");
    client.resource(plan).create();
    waitFor(client, "zeta", t -> condition(t, "DatabaseReady").orElse("").equals("True"));
    assertThat(client.namespaces().withName("tenant-zeta").get()).isNotNull();
  }

  @Test
  void anInvalidNameFailsClearlyAndCreatesNothing(KubernetesClient client) {
    String longName = "a-tenant-name-that-is-far-too-long-for-tenantry";
    client.resource(Tenant.onPlan(longName, "free")).create();
    client.resource(Tenant.onPlan("dotted.name", "free")).create();
    for (String name : List.of(longName, "dotted.name")) {
      Tenant failed = waitFor(client, name, t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Failed);
      assertThat(failed.getStatus().condition("Ready")).hasValueSatisfying(c -> {
        assertThat(c.getReason()).isEqualTo("InvalidName");
        assertThat(c.getMessage()).contains("must be a DNS label").contains("at most 40 characters");
      });
      assertThat(client.namespaces().withName("tenant-" + name).get()).isNull();
    }
  }

  @Test
  void aCertificateNearExpiryIsRenewed(KubernetesClient client) {
    client.resource(Tenant.onPlan("eta", "free")).create();
    String ns = "tenant-eta";
    await().until(() -> client.secrets().inNamespace(ns).withName("runtime-tls").get() != null);
    Secret caSecret = client.secrets().inNamespace(OperatorFixture.PLATFORM_NAMESPACE).withName("tenantry-ca").get();
    CertificateAuthority ca = CertificateAuthority.fromPem(decode(caSecret, "tls.crt"), decode(caSecret, "tls.key"));
    // a certificate issued 61 days ago is past two thirds of its 90 days
    Clock past = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-61));
    ServingCertificate old = ca.issueServingCertificate(
        List.of("runtime.tenant-eta.svc", "runtime", "runtime.tenant-eta", "runtime.tenant-eta.svc.cluster.local"),
        java.time.Duration.ofDays(90), past);
    client.secrets().inNamespace(ns).withName("runtime-tls").edit(s -> {
      s.getData().put("tls.crt", Base64.getEncoder().encodeToString(old.certificatePem().getBytes(StandardCharsets.UTF_8)));
      s.getData().put("tls.key", Base64.getEncoder().encodeToString(old.keyPem().getBytes(StandardCharsets.UTF_8)));
      return s;
    });
    await().untilAsserted(() -> {
      Secret tls = client.secrets().inNamespace(ns).withName("runtime-tls").get();
      ServingCertificate current = new ServingCertificate(decode(tls, "tls.crt"), decode(tls, "tls.key"), decode(tls, "ca.crt"));
      assertThat(current.certificatePem()).isNotEqualTo(old.certificatePem());
      assertThat(current.renewAt()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(59)));
      assertThat(ca.signed(current.certificate())).isTrue();
    });
  }

  @Test
  void aBurstOfEditsEndsWithTheLastAppliedAndNoUpdateLoop(KubernetesClient client) throws Exception {
    client.resource(Tenant.onPlan("theta", "enterprise")).create();
    await().until(() -> client.apps().deployments().inNamespace("tenant-theta").withName("runtime").get() != null);
    for (int replicas = 1; replicas <= 12; replicas++) {
      int value = replicas;
      // merge patches without a resourceVersion, as kubectl patch sends them: none is refused
      client.resources(Tenant.class).withName("theta").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"spec\":{\"displayName\":\"Theta " + value + "\",\"runtime\":{\"replicas\":" + value + "}}}");
    }
    await().until(() -> client.apps().deployments().inNamespace("tenant-theta").withName("runtime").get()
        .getSpec().getReplicas() == 12);
    waitFor(client, "theta", t -> t.getStatus() != null
        && java.util.Objects.equals(t.getStatus().getObservedGeneration(), t.getMetadata().getGeneration())
        && t.getStatus().getRuntime() != null && t.getStatus().getRuntime().getReplicas() == 12);
    java.util.function.Supplier<List<String>> versions = () -> List.of(
        client.resources(Tenant.class).withName("theta").get().getMetadata().getResourceVersion(),
        client.apps().deployments().inNamespace("tenant-theta").withName("runtime").get().getMetadata().getResourceVersion(),
        client.namespaces().withName("tenant-theta").get().getMetadata().getResourceVersion(),
        client.secrets().inNamespace("tenant-theta").withName("runtime-tls").get().getMetadata().getResourceVersion(),
        client.configMaps().inNamespace("tenant-theta").withName("tenant-config").get().getMetadata().getResourceVersion(),
        client.network().v1().networkPolicies().inNamespace("tenant-theta").withName("tenant-isolation").get()
            .getMetadata().getResourceVersion());
    List<String> settled = versions.get();
    // settled means: nothing the operator owns changes again while nobody edits anything
    org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(4)).atMost(java.time.Duration.ofSeconds(10))
        .until(() -> versions.get().equals(settled));
  }

  @Test
  void provisioningWritesTheStatusOncePerStepAndNothingOnceSettled(KubernetesClient client) {
    long statusBefore = ApiServerWrites.to(client, "tenants", "status");
    long deploymentsBefore = ApiServerWrites.to(client, "deployments", "");
    java.util.function.LongSupplier watchedWrites =
        () -> ApiServerWrites.to(client, "tenants", "status") + ApiServerWrites.to(client, "deployments", "");
    client.resource(Tenant.onPlan("kappa", "free")).create();
    markRuntimeReady(client, "kappa");
    waitFor(client, "kappa", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);
    // settled: the counts hold still from one second to the next
    long[] last = {-1};
    await().pollInterval(java.time.Duration.ofSeconds(1)).until(() -> {
      long now = watchedWrites.getAsLong();
      boolean same = now == last[0];
      last[0] = now;
      return same;
    });
    assertThat(ApiServerWrites.to(client, "tenants", "status") - statusBefore)
        .as("status writes: one per provisioning step, one when the runtime turned ready")
        .isLessThanOrEqualTo(ProvisioningStep.values().length + 1);
    assertThat(ApiServerWrites.to(client, "deployments", "") - deploymentsBefore).as("Deployment writes").isEqualTo(1);

    // the Deployment controller rewrites a Deployment's status often; each write wakes the
    // reconciler, which must find nothing to change and write nothing
    long settled = last[0];
    var deployment = client.apps().deployments().inNamespace("tenant-kappa").withName("runtime");
    for (int i = 1; i <= 3; i++) {
      String message = "ReplicaSet \"runtime\" has successfully progressed (" + i + ")";
      deployment.editStatus(d -> {
        d.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
            .withType("Progressing").withStatus("True").withReason("NewReplicaSetAvailable").withMessage(message)
            .build()));
        return d;
      });
    }
    org.awaitility.Awaitility.await("no Deployment or Tenant status write after the Deployment's status changed")
        .during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(10))
        .until(() -> watchedWrites.getAsLong() == settled);
  }

  @Test
  void deletionDropsTheDatabaseUnderDeleteAndKeepsItUnderRetain(KubernetesClient client) throws Exception {
    for (String name : List.of("iota-drop", "iota-keep")) {
      Tenant tenant = Tenant.onPlan(name, "pro");
      tenant.getSpec().setStorage(new StorageSpec(StorageType.Postgres));
      tenant.getSpec().setDeletionPolicy(name.endsWith("keep") ? DeletionPolicy.Retain : DeletionPolicy.Delete);
      client.resource(tenant).create();
    }
    for (String name : List.of("iota-drop", "iota-keep")) {
      Tenant provisioned = waitFor(client, name, t -> condition(t, "DatabaseReady").orElse("").equals("True"));
      assertThat(provisioned.getStatus().condition("DatabaseReady").orElseThrow().getMessage())
          .isEqualTo("database tenant_" + name.replace('-', '_'));
      Secret credentials = client.secrets().inNamespace("tenant-" + name).withName("database-credentials").get();
      // the tenant's own credentials really log in to its own database
      try (var connection = java.sql.DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:5432/" + decode(credentials, "database"),
          decode(credentials, "username"), decode(credentials, "password"))) {
        assertThat(connection.isValid(2)).isTrue();
      }
      var env = client.apps().deployments().inNamespace("tenant-" + name).withName("runtime").get()
          .getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      assertThat(env).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo("TENANTRY_DB_PASSWORD");
        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("database-credentials");
      });
    }
    assertThat(databaseExists("tenant_iota_drop")).isTrue();
    assertThat(databaseExists("tenant_iota_keep")).isTrue();

    client.resources(Tenant.class).withName("iota-drop").delete();
    client.resources(Tenant.class).withName("iota-keep").delete();
    await().until(() -> client.resources(Tenant.class).withName("iota-drop").get() == null
        && client.resources(Tenant.class).withName("iota-keep").get() == null);
    assertThat(databaseExists("tenant_iota_drop")).as("Delete drops the database").isFalse();
    assertThat(databaseExists("tenant_iota_keep")).as("Retain keeps the database").isTrue();
    // no controller-manager runs here, so the namespace stays Terminating instead of vanishing
    assertThat(client.namespaces().withName("tenant-iota-drop").get().getMetadata().getDeletionTimestamp()).isNotNull();
    try (var admin = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        var statement = admin.createStatement()) {
      statement.execute("drop database if exists tenant_iota_keep with (force)");
      statement.execute("drop role if exists tenant_iota_keep");
    }
  }

  static boolean databaseExists(String name) throws java.sql.SQLException {
    try (var admin = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        var query = admin.prepareStatement("select 1 from pg_database where datname = ?")) {
      query.setString(1, name);
      try (var rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  @Test
  void reconcilesContinueTheTraceTheControlApiStarted(KubernetesClient client) {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    Tenant tenant = Tenant.onPlan("traced", "free");
    tenant.getMetadata().setAnnotations(java.util.Map.of("tenantry.dev/traceparent",
        "00-" + traceId + "-00f067aa0ba902b7-01"));
    client.resource(tenant).create();
    waitFor(client, "traced", t -> condition(t, "DatabaseReady").orElse("").equals("True"));
    await().untilAsserted(() -> assertThat(SPANS.getFinishedSpanItems())
        .filteredOn(span -> "traced".equals(span.getAttributes().get(
            io.opentelemetry.api.common.AttributeKey.stringKey("tenant"))))
        .isNotEmpty()
        .allSatisfy(span -> {
          assertThat(span.getTraceId()).isEqualTo(traceId);
          assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
          assertThat(span.getName()).isEqualTo("reconcile tenant");
        }));
  }

  static void assertOwnedBy(HasMetadata object, Tenant tenant) {
    assertThat(object).as("object exists").isNotNull();
    assertThat(object.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid, OwnerReference::getKind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(tenant.getMetadata().getUid(), "Tenant"));
  }

  static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
