package dev.tenantry.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Release;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorConfig;
import dev.tenantry.operator.admission.WebhookSettings;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.RuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart installed on a real API server as platform ops would, then the operator run under
 * the chart's ServiceAccount and nothing else: proves the chart's RBAC is enough.
 */
@WithKubeApiServer
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartInstallTest {

  static final String OPERATOR_USER = "system:serviceaccount:" + Chart.NAMESPACE + ":tenantry-operator";
  static final String CONTROL_API_USER = "system:serviceaccount:" + Chart.NAMESPACE + ":tenantry-control-api";

  @TempDir Path temp;

  @Test
  @Order(1)
  void serverSideDryRunCreatesNothing(KubeApiServer server, KubernetesClient admin) {
    Release release = Chart.helm().install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE).createNamespace()
        .withKubeConfig(server.writeKubeConfig(temp.resolve("kubeconfig"))).withDryRunOption(DryRun.SERVER).call();
    assertThat(release.getName()).isEqualTo(Chart.RELEASE);
    assertThat(admin.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems()).isEmpty();
    assertThat(admin.resources(TenantPlan.class).list().getItems()).isEmpty();
  }

  @Test
  @Order(2)
  void installsThePlatformWithItsValues(KubeApiServer server, KubernetesClient admin) {
    // a cluster with the Prometheus operator's API: the chart adds ServiceMonitors there only
    admin.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
        .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors").withSingular("servicemonitor")
        .withListKind("ServiceMonitorList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
        .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build()).create();
    admin.apiextensions().v1().customResourceDefinitions().withName("servicemonitors.monitoring.coreos.com")
        .waitUntilCondition(crd -> crd.getStatus() != null && crd.getStatus().getConditions() != null
            && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())), 30, TimeUnit.SECONDS);

    Release release = PlatformChart.installOrUpgrade(server.writeKubeConfig(temp.resolve("kubeconfig")),
        List.of(Chart.directory().resolve("ci/production-values.yaml")));
    assertThat(release.getStatus()).isEqualTo("deployed");
    assertThat(release.getOutput()).contains("login.example.com").contains("https://tenantry.example.com/");

    assertThat(admin.apps().deployments().inNamespace(Chart.NAMESPACE).list().getItems())
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("tenantry-operator", "tenantry-control-api", "tenantry-activator");
    assertThat(admin.apps().deployments().inNamespace(Chart.NAMESPACE).withName("tenantry-operator").get()
        .getSpec().getReplicas()).as("operator.replicas from the values file").isEqualTo(3);
    assertThat(admin.network().v1().ingresses().inNamespace(Chart.NAMESPACE).withName("tenantry-control-api").get())
        .isNotNull();
    assertThat(admin.resources(TenantPlan.class).list().getItems()).extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("free", "pro", "enterprise");
    // the API server of 1.20 serves policy/v1beta1 only: no PodDisruptionBudget rendered for policy/v1
    assertThat(admin.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)).isFalse();
    assertThat(admin.network().v1().networkPolicies().inNamespace(Chart.NAMESPACE).withName("tenantry-platform").get())
        .isNotNull();
    assertThat(admin.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace(Chart.NAMESPACE)
        .list().getItems()).extracting(m -> m.getMetadata().getName())
        .containsExactlyInAnyOrder("tenantry-operator", "tenantry-control-api");
  }

  @Test
  @Order(3)
  void anUpgradeAppliesNewValues(KubeApiServer server, KubernetesClient admin) {
    // what a finished TenantRollout leaves on a plan
    admin.resources(TenantPlan.class).withName("free").edit(plan -> {
      plan.getMetadata().getAnnotations().put(TenantryApi.ROLLOUT_LABEL, "free-to-0.2.0");
      plan.getSpec().getRuntime().setImage("tenantry/tenant-runtime:0.2.0");
      return plan;
    });
    String proImage = admin.resources(TenantPlan.class).withName("pro").get().getSpec().getRuntime().getImage();
    Release release = PlatformChart.installOrUpgrade(server.writeKubeConfig(temp.resolve("kubeconfig")),
        List.of(TenantryCrds.checkout().resolve("scripts/local-values.yaml")));
    assertThat(release.getRevision()).isEqualTo("2");
    Deployment operator = admin.apps().deployments().inNamespace(Chart.NAMESPACE).withName("tenantry-operator").get();
    assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
    assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("TENANTRY_POSTGRES_TENANT_HOST"));
    assertThat(admin.network().v1().ingresses().inNamespace(Chart.NAMESPACE).withName("tenantry-control-api").get())
        .as("the production values' ingress is gone with them").isNull();
    TenantPlan free = admin.resources(TenantPlan.class).withName("free").get();
    assertThat(free.getSpec().getRuntime().getImage()).as("the rollout's image survives the upgrade")
        .isEqualTo("tenantry/tenant-runtime:0.2.0");
    assertThat(free.getMetadata().getAnnotations()).containsEntry(TenantryApi.ROLLOUT_LABEL, "free-to-0.2.0");
    assertThat(admin.resources(TenantPlan.class).withName("pro").get().getSpec().getRuntime().getImage())
        .as("a plan no rollout touched follows the values").isEqualTo(proImage);
  }

  @Test
  @Order(4)
  void controlApiMayDoItsJobAndNoMore(KubernetesClient admin) {
    assertThat(allowed(admin, CONTROL_API_USER, "tenantry.dev", "tenants", "create", null, null)).isTrue();
    assertThat(allowed(admin, CONTROL_API_USER, "tenantry.dev", "tenantplans", "watch", null, null)).isTrue();
    assertThat(allowed(admin, CONTROL_API_USER, "", "events", "list", "default", null)).isTrue();
    assertThat(allowed(admin, CONTROL_API_USER, "", "secrets", "get", Chart.NAMESPACE, "tenantry-signing-key")).isTrue();
    assertThat(allowed(admin, CONTROL_API_USER, "", "secrets", "get", Chart.NAMESPACE, "tenantry-ca")).isFalse();
    assertThat(allowed(admin, CONTROL_API_USER, "", "secrets", "get", "tenant-acme", "database")).isFalse();
    assertThat(allowed(admin, CONTROL_API_USER, "apps", "deployments", "create", "tenant-acme", null)).isFalse();
  }

  @Test
  @Order(5)
  void theOperatorProvisionsATenantWithTheChartsPermissionsOnly(KubeApiServer server, KubernetesClient admin)
      throws Exception {
    // what the control API publishes on its first start
    admin.resource(new SecretBuilder().withNewMetadata().withName("tenantry-jwks").withNamespace(Chart.NAMESPACE)
        .endMetadata().withData(Map.of("jwks.json", Base64.getEncoder().encodeToString(
            "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8)))).build()).create();

    KubernetesClient asOperator = server.newImpersonatingClient(OPERATOR_USER,
        List.of("system:serviceaccounts", "system:serviceaccounts:" + Chart.NAMESPACE, "system:authenticated"));
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of(
        "TENANTRY_NAMESPACE", Chart.NAMESPACE, "TENANTRY_OPERATOR_PORT", "0", "HOSTNAME", "tenantry-operator-0",
        "TENANTRY_LEASE_DURATION_SECONDS", "5", "TENANTRY_WEBHOOK_PORT", "0"));
    try (asOperator; TenantryOperator operator = TenantryOperator.start(config, asOperator, Clock.systemUTC())) {
      // the chart's webhooks call the operator through its Service, which nothing routes on this API
      // server: point them at the in-process operator instead, changing nothing else
      var webhooks = admin.admissionRegistration().v1().validatingWebhookConfigurations()
          .withName(WebhookSettings.DEFAULT_CONFIGURATION);
      int port = operator.webhookPort().orElseThrow();
      await().until(() -> webhooks.get().getWebhooks().stream()
          .allMatch(w -> w.getClientConfig().getCaBundle() != null));
      webhooks.edit(configuration -> {
        configuration.getWebhooks().forEach(w -> {
          w.getClientConfig().setUrl("https://127.0.0.1:" + port + w.getClientConfig().getService().getPath());
          w.getClientConfig().setService(null);
        });
        return configuration;
      });

      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("charted").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      spec.setOwners(List.of(new Owner(Owner.Kind.User, "ops@charted.example")));
      tenant.setSpec(spec);
      admin.resource(tenant).create();

      // no kubelet on this API server
      RuntimePods.reportReady(admin, "charted");
      Tenant ready = await().until(() -> admin.resources(Tenant.class).withName("charted").get(),
          t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);
      assertThat(ready.getStatus().getConditions()).allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(admin.rbac().roleBindings().inNamespace("tenant-charted").withName("tenant-owners").get()).isNotNull();
      assertThat(admin.secrets().inNamespace(Chart.NAMESPACE).withName("tenantry-ca").get())
          .as("the operator created the platform CA in the chart's namespace").isNotNull();
      assertThatThrownBy(() -> admin.network().v1().networkPolicies().inNamespace("tenant-charted")
          .withName("tenant-isolation").delete())
          .as("the chart's webhooks guard the platform's objects").hasMessageContaining("belongs to the Tenantry platform");

      admin.resources(Tenant.class).withName("charted").delete();
      await().until(() -> admin.resources(Tenant.class).withName("charted").get() == null);
    }
  }

  private static boolean allowed(KubernetesClient admin, String user, String group, String resource, String verb,
      String namespace, String name) {
    SubjectAccessReview review = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
        .withNewSpec().withUser(user).withGroups("system:serviceaccounts", "system:authenticated")
        .withNewResourceAttributes().withGroup(group).withResource(resource).withVerb(verb).withNamespace(namespace)
        .withName(name).endResourceAttributes().endSpec().build());
    return review.getStatus().getAllowed();
  }

  private static org.awaitility.core.ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250));
  }
}
