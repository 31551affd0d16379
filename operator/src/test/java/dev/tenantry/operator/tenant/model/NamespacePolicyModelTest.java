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

/** The namespace and what fences it in (labels, quota, limits, isolation), computed without a cluster. */
class NamespacePolicyModelTest {

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
    // out of the namespace to the platform: the activator's runtime ports, nothing else there
    assertThat(policy.getSpec().getEgress()).filteredOn(rule -> rule.getTo() != null && rule.getTo().stream()
            .anyMatch(peer -> peer.getNamespaceSelector() != null))
        .singleElement().satisfies(rule -> {
          assertThat(rule.getTo().get(0).getNamespaceSelector().getMatchLabels())
              .containsEntry("kubernetes.io/metadata.name", "tenantry-system");
          assertThat(rule.getTo().get(0).getPodSelector().getMatchLabels())
              .containsEntry("app.kubernetes.io/name", "tenantry-activator");
          assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8080, 9090);
        });
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
}
