package dev.tenantry.operator.tenant.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.plan.Features;
import dev.tenantry.crds.plan.PlanStorage;
import dev.tenantry.crds.plan.Quota;
import dev.tenantry.crds.plan.RuntimeDefaults;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.plan.TenantPlanSpec;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.plan.PodSecurityLevel;
import dev.tenantry.crds.plan.ServiceType;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The desired state of every tenant object, computed without a cluster. */
class TenantModelTest {

  static final PlatformSettings SETTINGS =
      new PlatformSettings("tenantry-system", "ingress-nginx", Optional.of("pg.platform.svc"), 5432, true);

  static TenantPlan plan(StorageType storage, int replicas) {
    TenantPlan plan = new TenantPlan();
    plan.setMetadata(new ObjectMetaBuilder().withName("basic").build());
    TenantPlanSpec spec = new TenantPlanSpec();
    Quota quota = new Quota();
    quota.setCpu(new Quantity("2"));
    quota.setMemory(new Quantity("2Gi"));
    quota.setPods(6);
    spec.setQuota(quota);
    RuntimeDefaults runtime = new RuntimeDefaults();
    runtime.setImage("tenantry/tenant-runtime:1.0.0");
    runtime.setReplicas(replicas);
    spec.setRuntime(runtime);
    spec.setFeatures(new Features(true, true, false, true));
    PlanStorage planStorage = new PlanStorage();
    planStorage.setType(storage);
    planStorage.setSize(new Quantity("5Gi"));
    spec.setStorage(planStorage);
    plan.setSpec(spec);
    return plan;
  }

  static Tenant tenant(String name) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(3L).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("basic");
    tenant.setSpec(spec);
    return tenant;
  }

  @Test
  void runtimeComesFromThePlanWhenTheTenantOverridesNothing() {
    TenantModel model = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 2), SETTINGS);
    var deployment = model.runtime().deployment();
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("tenant-acme");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("tenantry/tenant-runtime:1.0.0");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
    assertThat(container.getReadinessProbe().getPeriodSeconds()).as("a started runtime is seen Ready within 2 s")
        .isLessThanOrEqualTo(2);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
    assertThat(container.getStartupProbe().getFailureThreshold() * container.getStartupProbe().getPeriodSeconds())
        .as("seconds a runtime may take to start on a busy node before it is restarted").isGreaterThanOrEqualTo(300);
    assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080, 9090, 8081);
    assertThat(env(container.getEnv(), "TENANTRY_TENANT")).isEqualTo("acme");
    assertThat(env(container.getEnv(), "TENANTRY_STORAGE")).isEqualTo("embedded");
    assertThat(env(container.getEnv(), "TENANTRY_FEATURES")).isEqualTo("rest,graphql,websocket");
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).contains("data", "tls", "config", "tmp");
    assertThat(model.runtime().dataClaim().getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("5Gi"));
  }

  @Test
  void tenantOverridesWinAndSuspensionScalesToZero() {
    Tenant tenant = tenant("acme");
    RuntimeOverrides overrides = new RuntimeOverrides();
    overrides.setImage("custom/runtime:2");
    overrides.setReplicas(5);
    overrides.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build());
    tenant.getSpec().setRuntime(overrides);
    TenantModel running = new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(running.runtime().deployment().getSpec().getReplicas()).isEqualTo(5);
    assertThat(running.runtime().deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("custom/runtime:2");
    assertThat(running.runtime().deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
        .getLimits()).containsEntry("memory", new Quantity("1Gi"));

    tenant.getSpec().setSuspended(true);
    TenantModel suspended = new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(suspended.runtime().deployment().getSpec().getReplicas()).isZero();
    assertThat(suspended.runtime().podDisruptionBudget()).isEmpty();
  }

  @Test
  void runtimesOfHalfACpuOrLessUseTheC1CompilerOnly() {
    Tenant tenant = tenant("acme");
    RuntimeOverrides overrides = new RuntimeOverrides();
    tenant.getSpec().setRuntime(overrides);
    overrides.setResources(new ResourceRequirementsBuilder().addToLimits("cpu", new Quantity("500m")).build());
    assertThat(env(new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS).runtime().deployment().getSpec()
        .getTemplate().getSpec().getContainers().get(0).getEnv(), "JAVA_TOOL_OPTIONS"))
        .isEqualTo("-XX:MaxRAMPercentage=70 -Djava.io.tmpdir=/tmp -XX:TieredStopAtLevel=1");
    overrides.setResources(new ResourceRequirementsBuilder().addToLimits("cpu", new Quantity("1")).build());
    assertThat(new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS).runtime().javaOptions())
        .doesNotContain("TieredStopAtLevel");
    overrides.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build());
    assertThat(new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS).runtime().javaOptions())
        .as("no CPU limit: no reason to give up C2").doesNotContain("TieredStopAtLevel");
  }

  @Test
  void postgresStorageTakesCredentialsFromTheSecretAndOpensEgressToTheDatabase() {
    Tenant tenant = tenant("big-co");
    tenant.getSpec().setStorage(new StorageSpec(StorageType.Postgres));
    TenantModel model = new TenantModel(tenant, plan(StorageType.Embedded, 3), SETTINGS);
    assertThat(model.usesPostgres()).isTrue();
    assertThat(model.databaseName()).isEqualTo("tenant_big_co");
    var container = model.runtime().deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(container.getEnv(), "TENANTRY_STORAGE")).isEqualTo("postgres");
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("TENANTRY_DB_PASSWORD")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("database-credentials"));
    assertThat(model.runtime().deployment().getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(model.runtime().deployment().getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName())
        .doesNotContain("data");
    assertThat(model.namespacePolicy().networkPolicy().getSpec().getEgress()).anySatisfy(rule ->
        assertThat(rule.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(5432)));
    var secret = model.credentials().databaseSecret("s3cret");
    assertThat(TenantModelTestSupport.decode(secret.getData().get("url")))
        .isEqualTo("postgresql://pg.platform.svc:5432/tenant_big_co");
    assertThat(model.runtime().podDisruptionBudget()).hasValueSatisfying(pdb ->
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1));
  }

  @Test
  void isolationAllowsOnlyTheNamespaceThePlatformAndTheIngressController() {
    TenantModel model = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 1), SETTINGS);
    var policy = model.namespacePolicy().networkPolicy();
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(policy.getSpec().getIngress()).hasSize(3);
    assertThat(policy.getSpec().getIngress().get(1).getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "tenantry-system");
    assertThat(policy.getSpec().getIngress().get(2).getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "ingress-nginx");
    assertThat(policy.getSpec().getEgress()).noneSatisfy(rule ->
        assertThat(rule.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(5432)));
  }

  @Test
  void ownersIngressAndEndpointsFollowTheSpec() {
    Tenant tenant = tenant("acme");
    TenantModel plain = new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(plain.namespacePolicy().ownersRoleBinding()).isEmpty();
    assertThat(plain.runtime().ingress()).isEmpty();
    assertThat(plain.endpoints().getGrpc()).isEqualTo("runtime.tenant-acme.svc:9090");
    assertThat(plain.endpoints().getWebsocket()).isEqualTo("ws://runtime.tenant-acme.svc:8080/ws/events");

    tenant.getSpec().setOwners(List.of(new Owner(Owner.Kind.Group, "acme-ops")));
    tenant.getSpec().setIngress(new IngressSpec("acme.example.com"));
    TenantModel exposed = new TenantModel(tenant, plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(exposed.namespacePolicy().ownersRoleBinding()).hasValueSatisfying(rb -> {
      assertThat(rb.getRoleRef().getName()).isEqualTo("admin");
      assertThat(rb.getSubjects()).singleElement().satisfies(s -> {
        assertThat(s.getKind()).isEqualTo("Group");
        assertThat(s.getName()).isEqualTo("acme-ops");
      });
    });
    assertThat(exposed.runtime().ingress()).hasValueSatisfying(ingress ->
        assertThat(ingress.getSpec().getTls().get(0).getHosts()).containsExactly("acme.example.com"));
    assertThat(exposed.credentials().certificateDnsNames()).contains("acme.example.com", "runtime.tenant-acme.svc");
    assertThat(exposed.endpoints().getGraphql()).isEqualTo("https://acme.example.com/graphql");
  }

  @Test
  void quotaAndLimitsComeFromThePlan() {
    TenantModel model = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(model.namespacePolicy().resourceQuota().getSpec().getHard())
        .containsEntry("limits.cpu", new Quantity("2"))
        .containsEntry("requests.memory", new Quantity("2Gi"))
        .containsEntry("pods", new Quantity("6"));
    assertThat(model.namespacePolicy().namespace().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("app.kubernetes.io/managed-by", "tenantry-operator");
  }

  @Test
  void quotaNamesEveryObjectCountAndEphemeralStorageWithDefaultsAndNoNodePortsUnlessAllowed() {
    TenantPlan plan = plan(StorageType.Embedded, 1);
    TenantModel model = new TenantModel(tenant("acme"), plan, SETTINGS);
    assertThat(model.namespacePolicy().resourceQuota().getSpec().getHard())
        .containsEntry("requests.ephemeral-storage", NamespacePolicyModel.DEFAULT_EPHEMERAL_STORAGE)
        .containsEntry("limits.ephemeral-storage", NamespacePolicyModel.DEFAULT_EPHEMERAL_STORAGE)
        .containsEntry("services", new Quantity("10"))
        .containsEntry("services.nodeports", new Quantity("0"))
        .containsEntry("services.loadbalancers", new Quantity("0"))
        .containsEntry("secrets", new Quantity("50"))
        .containsEntry("configmaps", new Quantity("50"))
        .containsEntry("persistentvolumeclaims", new Quantity("5"))
        .containsEntry("replicationcontrollers", new Quantity("0"))
        .containsEntry("resourcequotas", new Quantity("1"));
    assertThat(model.namespacePolicy().limitRange().getSpec().getLimits().get(0).getDefault())
        .as("the quota names ephemeral storage, so every container needs a default").containsKey("ephemeral-storage");

    plan.getSpec().getQuota().setNodePorts(3);
    assertThat(new TenantModel(tenant("acme"), plan, SETTINGS).namespacePolicy().resourceQuota().getSpec().getHard())
        .as("a NodePort count means nothing while the policy refuses the type")
        .containsEntry("services.nodeports", new Quantity("0"));
    PlanPolicy policy = new PlanPolicy();
    policy.setAllowedServiceTypes(List.of(ServiceType.ClusterIP, ServiceType.NodePort));
    policy.setPodSecurity(PodSecurityLevel.BASELINE);
    plan.getSpec().setPolicy(policy);
    TenantModel relaxed = new TenantModel(tenant("acme"), plan, SETTINGS);
    assertThat(relaxed.namespacePolicy().resourceQuota().getSpec().getHard()).containsEntry("services.nodeports", new Quantity("3"));
    assertThat(relaxed.namespacePolicy().namespace().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "baseline");
  }

  @Test
  void theRuntimePodMeetsRestrictedAndAPlanThatRefusesItsImageIsReported() {
    TenantPlan plan = plan(StorageType.Postgres, 2);
    assertThat(new TenantModel(tenant("acme"), plan, SETTINGS).policyViolations()).isEmpty();
    PlanPolicy policy = new PlanPolicy();
    policy.setAllowedRegistries(List.of("registry.example.com/"));
    plan.getSpec().setPolicy(policy);
    assertThat(new TenantModel(tenant("acme"), plan, SETTINGS).policyViolations()).containsExactly(
        "runtime pod spec.containers[0].image: \"tenantry/tenant-runtime:1.0.0\" is not from a registry plan "
            + "\"basic\" allows (registry.example.com/)");
  }

  @Test
  void theModelIsAPureFunctionOfItsInputs() {
    TenantModel first = new TenantModel(tenant("acme"), plan(StorageType.Postgres, 2), SETTINGS);
    TenantModel second = new TenantModel(tenant("acme"), plan(StorageType.Postgres, 2), SETTINGS);
    assertThat(first.runtime().deployment()).isEqualTo(second.runtime().deployment());
    assertThat(first.namespacePolicy().networkPolicy()).isEqualTo(second.namespacePolicy().networkPolicy());
    assertThat(first.credentials().configMap("{}")).isEqualTo(second.credentials().configMap("{}"));
  }

  private static String env(List<EnvVar> env, String name) {
    return env.stream().filter(e -> e.getName().equals(name)).findFirst().map(EnvVar::getValue).orElse(null);
  }
}
