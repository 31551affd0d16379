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
import dev.tenantry.operator.runtimeapi.OperatorSigningKey;
import org.junit.jupiter.api.Test;

/** The effective configuration and what spans the sub-models (storage, endpoints, owners, policy), without a cluster. */
class TenantModelTest {

  static final PlatformSettings SETTINGS =
      new PlatformSettings("tenantry-system", "ingress-nginx", Optional.of("pg.platform.svc"), 5432, true,
          OperatorSigningKey.ephemeral(java.time.Clock.systemUTC()).publicJwk());

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
    assertThat(first.credentials().configMap("{\"keys\":[]}")).isEqualTo(second.credentials().configMap("{\"keys\":[]}"));
  }

  static String env(List<EnvVar> env, String name) {
    return env.stream().filter(e -> e.getName().equals(name)).findFirst().map(EnvVar::getValue).orElse(null);
  }
}
