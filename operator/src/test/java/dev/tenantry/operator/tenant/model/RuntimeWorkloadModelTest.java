package dev.tenantry.operator.tenant.model;

import static dev.tenantry.operator.tenant.model.TenantModelTest.SETTINGS;
import static dev.tenantry.operator.tenant.model.TenantModelTest.env;
import static dev.tenantry.operator.tenant.model.TenantModelTest.plan;
import static dev.tenantry.operator.tenant.model.TenantModelTest.tenant;
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

/** The runtime workload (claim, Deployment, Service, Ingress, PDB) computed without a cluster. */
class RuntimeWorkloadModelTest {

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
    assertThat(container.getReadinessProbe().getPeriodSeconds()).as("a started runtime is seen Ready within a second")
        .isEqualTo(1);
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
  void whileTheActivatorHoldsTheCallsTheServiceSelectsNothingAndItsEndpointsNameTheActivator() {
    TenantModel awake = new TenantModel(tenant("acme"), plan(StorageType.Embedded, 1), SETTINGS);
    assertThat(awake.runtime().service().getSpec().getSelector())
        .isEqualTo(java.util.Map.of("app.kubernetes.io/name", "tenant-runtime", "app.kubernetes.io/instance", "acme"));
    assertThat(awake.runtime().heldEndpoints()).isEmpty();

    TenantModel held = awake.withHibernated(true)
        .withCallsHeldBy(Optional.of(new ActivatorRoute(List.of("10.0.0.7", "10.0.0.8"), 8080, 9090)));
    var service = held.runtime().service();
    assertThat(service.getSpec().getSelector()).isNull();
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .as("callers keep the same ports").containsExactly("http:8080", "grpc:9090");
    var endpoints = held.runtime().heldEndpoints().orElseThrow();
    assertThat(endpoints.getMetadata().getName()).isEqualTo("runtime");
    assertThat(endpoints.getMetadata().getNamespace()).isEqualTo("tenant-acme");
    assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
      assertThat(subset.getAddresses()).extracting(a -> a.getIp()).containsExactly("10.0.0.7", "10.0.0.8");
      assertThat(subset.getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
          .containsExactlyInAnyOrder("http:8080", "grpc:9090");
    });
    assertThat(held.runtime().deployment().getSpec().getReplicas()).isZero();
  }

  @Test
  void theActivatorsRouteIsItsReadyAddressesAndNamedPorts() {
    var endpoints = new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata().withName("tenantry-activator")
        .endMetadata().addNewSubset().addNewAddress().withIp("10.0.0.9").endAddress()
        .addNewNotReadyAddress().withIp("10.0.0.10").endNotReadyAddress()
        .addNewPort().withName("grpc").withPort(9091).endPort().addNewPort().withName("http").withPort(8088).endPort()
        .endSubset().build();
    assertThat(ActivatorRoute.of(endpoints)).contains(new ActivatorRoute(List.of("10.0.0.9"), 8088, 9091));
    var noneReady = new io.fabric8.kubernetes.api.model.EndpointsBuilder(endpoints).editFirstSubset().withAddresses()
        .endSubset().build();
    assertThat(ActivatorRoute.of(noneReady)).as("no ready activator: the Service keeps selecting the runtime").isEmpty();
    assertThat(ActivatorRoute.of(null)).isEmpty();
  }
}
