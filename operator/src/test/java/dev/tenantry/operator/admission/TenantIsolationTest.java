package dev.tenantry.operator.admission;

import static dev.tenantry.operator.OperatorFixture.await;
import static dev.tenantry.operator.OperatorFixture.condition;
import static dev.tenantry.operator.OperatorFixture.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.plan.PodSecurityLevel;
import dev.tenantry.crds.plan.ServiceType;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.operator.tenant.model.TenantModel;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.Kubectl;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Multi-Tenancy Benchmarks' profile-1 checks (kubernetes-sigs/multi-tenancy,
 * {@code benchmarks/kubectl-mtb}) as that tool runs them: acting as the tenant owner through
 * impersonation, SelfSubjectAccessReviews for the permission checks and server-side dry-run
 * creates for the behavioural ones. The real API server calls the operator's webhook over HTTPS
 * (a loopback URL, the platform CA as caBundle, which the operator writes in itself), and the
 * operator runs as its ServiceAccount under its own RBAC file, as the chart installs it.
 */
@WithKubeApiServer(controllers = "clusterrole-aggregation")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

  static final String ALICE = "alice@acme.example";
  static final String BOB = "bob@globex.example";
  static final String CAROL = "carol@initech.example";
  static final String ACME = "tenant-acme";
  static final String GLOBEX = "tenant-globex";
  static final String INITECH = "tenant-initech";
  static final String RUNTIME_IMAGE = "tenantry/tenant-runtime:0.1.0";
  /** Review kinds every authenticated user may create by design; they store nothing. */
  static final Set<String> REVIEW_KINDS = Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews");

  TenantryOperator operator;
  KubernetesClient asOperator;
  KubernetesClient alice;
  KubernetesClient bob;
  KubernetesClient carol;
  Kubectl kubectl;
  /** The identity that makes the runtime's pods from its Deployment, with the bootstrap RBAC it has. */
  KubernetesClient replicaSetController;

  @BeforeAll
  void startOperatorWithItsWebhooks(KubeApiServer server, KubernetesClient admin) throws Exception {
    TenantryCrds.installExamplePlans(admin);
    OperatorFixture.publishJwks(admin, OperatorFixture.JWKS);
    admin.resource(plan("relaxed", policy -> {
      policy.setPodSecurity(PodSecurityLevel.BASELINE);
      policy.setAllowedServiceTypes(List.of(ServiceType.ClusterIP, ServiceType.NodePort));
    })).serverSideApply();
    admin.resource(plan("locked", policy -> policy.setAllowedRegistries(List.of("registry.example.com/")))).serverSideApply();

    asOperator = OperatorFixture.asOperatorServiceAccount(server, admin);
    operator = TenantryOperator.start(OperatorFixture.config(), asOperator, Clock.systemUTC());
    registerWebhooks(admin, operator);

    admin.resource(tenant("acme", "free", ALICE)).create();
    admin.resource(tenant("globex", "free", BOB)).create();
    admin.resource(tenant("initech", "relaxed", CAROL)).create();
    for (String name : List.of("acme", "globex", "initech")) {
      waitFor(admin, name, t -> condition(t, "DatabaseReady").filter("True"::equals).isPresent());
    }
    alice = server.newImpersonatingClient(ALICE, List.of("system:authenticated"));
    bob = server.newImpersonatingClient(BOB, List.of("system:authenticated"));
    carol = server.newImpersonatingClient(CAROL, List.of("system:authenticated"));
    replicaSetController = replicaSetController(server);
    Path kubeconfig = server.writeKubeConfig(Files.createTempDirectory("isolation").resolve("kubeconfig"));
    kubectl = new Kubectl(kubeconfig);
  }

  @AfterAll
  void close() {
    closeAll(alice, bob, carol, replicaSetController, operator, asOperator);
  }

  /** Registers the operator's webhooks as the chart would, but by URL: nothing here routes a Service to it. */
  static void registerWebhooks(KubernetesClient admin, TenantryOperator operator) {
    int port = operator.webhookPort().orElseThrow();
    admin.resource(IsolationWebhooks.configuration(WebhookSettings.DEFAULT_CONFIGURATION,
        path -> new WebhookClientConfigBuilder().withUrl("https://127.0.0.1:" + port + path).build())).create();
    await().until(() -> WebhookCaBundle.inStep(admin.admissionRegistration().v1().validatingWebhookConfigurations()
        .withName(WebhookSettings.DEFAULT_CONFIGURATION).get(), caBundle(admin)));
  }

  static void closeAll(AutoCloseable... closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception ignored) {
        // the API server goes with the class
      }
    }
  }

  // ------------------------------------------------------------------ permission checks

  @Test
  void MTB_PL1_CC_CPI_1_blockAccessToClusterResources(KubernetesClient admin) {
    List<String> allowed = new ArrayList<>();
    for (GroupResource resource : resources(admin, false)) {
      for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")) {
        if (verb.equals("create") && REVIEW_KINDS.contains(resource.name())) {
          continue;
        }
        if (can(alice, verb, resource, null)) {
          allowed.add(verb + " " + resource);
        }
      }
    }
    assertThat(allowed).as("what the owner may do to cluster-scoped resources").isEmpty();
  }

  @Test
  void MTB_PL1_CC_TI_1_blockModificationOfResourceQuotas() {
    GroupResource quotas = new GroupResource("", "v1", "resourcequotas", "ResourceQuota");
    for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
      assertThat(can(alice, verb, quotas, ACME)).as("%s resourcequotas", verb).isFalse();
    }
    assertThat(can(alice, "list", quotas, ACME)).as("the owner may read the quota (FNS checks need it)").isTrue();
  }

  @Test
  void MTB_PL1_CC_TI_2_blockAccessToOtherTenantResources_bothDirections(KubernetesClient admin) {
    List<String> allowed = new ArrayList<>();
    for (GroupResource resource : resources(admin, true)) {
      for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")) {
        if (can(alice, verb, resource, GLOBEX)) {
          allowed.add("alice: " + verb + " " + resource + " in " + GLOBEX);
        }
        if (can(bob, verb, resource, ACME)) {
          allowed.add("bob: " + verb + " " + resource + " in " + ACME);
        }
      }
    }
    assertThat(allowed).isEmpty();
    assertThat(can(alice, "create", new GroupResource("", "v1", "pods", "Pod"), ACME))
        .as("the check can say yes: alice does create pods in her own namespace").isTrue();
  }

  @Test
  void MTB_PL1_CC_FNS_1_namespaceResourceQuotasNameCpuMemoryAndEphemeralStorage() {
    String names = quotaNames(alice, ACME);
    for (String resource : List.of("cpu", "ephemeral-storage", "memory")) {
      assertThat(names).as("quota of %s", ACME).contains(resource);
    }
  }

  @Test
  void MTB_PL1_CC_FNS_2_namespaceObjectLimits() {
    String names = quotaNames(alice, ACME);
    for (String resource : List.of("pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
        "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers")) {
      assertThat(names).as("quota of %s", ACME).contains(resource);
    }
    ResourceQuota quota = alice.resourceQuotas().inNamespace(ACME).withName("tenant-quota").get();
    assertThat(quota.getSpec().getHard().get("services.nodeports").toString())
        .as("NodePorts are not allowed on plan free, so none are counted either").isEqualTo("0");
  }

  @Test
  void MTB_PL2_BC_OPS_3_ownersCreateRolesAndRoleBindings() {
    assertThatCode(() -> alice.resource(new RoleBuilder().withNewMetadata().withName("readers").withNamespace(ACME)
        .endMetadata().addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list").endRule()
        .build()).dryRun().create()).doesNotThrowAnyException();
    assertThatCode(() -> alice.resource(new RoleBindingBuilder().withNewMetadata().withName("readers")
        .withNamespace(ACME).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole").withName("view").endRoleRef()
        .addNewSubject().withKind("User").withName("dave@acme.example").withApiGroup("rbac.authorization.k8s.io")
        .endSubject().build()).dryRun().create()).doesNotThrowAnyException();
    assertThatThrownBy(() -> alice.resource(new RoleBindingBuilder().withNewMetadata().withName("escalate")
        .withNamespace(ACME).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole").withName("cluster-admin").endRoleRef()
        .addNewSubject().withKind("User").withName(ALICE).withApiGroup("rbac.authorization.k8s.io")
        .endSubject().build()).dryRun().create())
        .as("RBAC escalation rules still apply").isInstanceOf(KubernetesClientException.class);
  }

  @Test
  void MTB_PL2_BC_OPS_4_ownersCreateNetworkPolicies() {
    assertThatCode(() -> alice.resource(new NetworkPolicyBuilder().withNewMetadata().withName("allow-web")
        .withNamespace(ACME).endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
        .withPolicyTypes("Ingress").addNewIngress().addNewFrom().withNewPodSelector().endPodSelector().endFrom()
        .addNewPort().withNewPort(8080).endPort().endIngress().endSpec()
        .build()).dryRun().create()).doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ behavioural checks

  @Test
  void MTB_PL1_BC_CPI_2_blockMultitenantResources(KubernetesClient admin) {
    List<String> touched = new ArrayList<>();
    int found = 0;
    for (GroupResource resource : resources(admin, true)) {
      if (!resource.verbs().contains("list") || !resource.verbs().contains("delete")) {
        continue;
      }
      List<GenericKubernetesResource> owned;
      try {
        owned = alice.genericKubernetesResources(resource.apiVersion(), resource.kind()).inNamespace(ACME)
            .withLabel("app.kubernetes.io/managed-by", "tenantry-operator").list().getItems();
      } catch (KubernetesClientException forbidden) {
        continue;
      }
      for (GenericKubernetesResource object : owned) {
        found++;
        var handle = alice.genericKubernetesResources(resource.apiVersion(), resource.kind()).inNamespace(ACME)
            .withName(object.getMetadata().getName());
        if (succeeds(() -> handle.dryRun().delete())) {
          touched.add("deleted " + resource.kind() + " " + object.getMetadata().getName());
        }
        if (succeeds(() -> handle.dryRun().edit(o -> {
          o.getMetadata().setAnnotations(Map.of("key1", "value1"));
          return o;
        }))) {
          touched.add("annotated " + resource.kind() + " " + object.getMetadata().getName());
        }
      }
    }
    assertThat(found).as("platform objects the owner can see in " + ACME).isGreaterThanOrEqualTo(6);
    assertThat(touched).isEmpty();
  }

  @Test
  void MTB_PL1_BC_CPI_3_blockAddCapabilities() {
    assertRefused(pod("caps", p -> p.editSpec().editFirstContainer().editSecurityContext().editCapabilities()
            .withAdd("SYS_ADMIN").endCapabilities().endSecurityContext().endContainer().endSpec()),
        "spec.containers[0].securityContext.capabilities.add: \"SYS_ADMIN\" not allowed by Pod Security \"restricted\"");
    assertRefused(pod("caps-baseline", p -> p.editSpec().editFirstContainer().editSecurityContext()
            .editCapabilities().withAdd("CHOWN").endCapabilities().endSecurityContext().endContainer().endSpec()),
        "\"CHOWN\" not allowed by Pod Security \"restricted\" (Capabilities)");
    assertThatCode(() -> alice.resource(pod("bind", p -> p.editSpec().editFirstContainer().editSecurityContext()
        .editCapabilities().withAdd("NET_BIND_SERVICE").endCapabilities().endSecurityContext().endContainer()
        .endSpec())).dryRun().create()).doesNotThrowAnyException();
  }

  @Test
  void MTB_PL1_BC_CPI_4_requireRunAsNonRootUser() {
    assertRefused(pod("no-non-root", p -> p.editSpec().editSecurityContext().withRunAsNonRoot(null)
            .endSecurityContext().endSpec()),
        "spec.containers[0].securityContext.runAsNonRoot: must be true");
    assertRefused(pod("uid-0", p -> p.editSpec().editFirstContainer().editSecurityContext().withRunAsUser(0L)
            .endSecurityContext().endContainer().endSpec()),
        "spec.containers[0].securityContext.runAsUser: must not be 0 to meet Pod Security \"restricted\"");
  }

  @Test
  void MTB_PL1_BC_CPI_5_blockPrivilegedContainers() {
    assertRefused(pod("privileged", p -> p.editSpec().editFirstContainer().editSecurityContext()
            .withPrivileged(true).withAllowPrivilegeEscalation(null).endSecurityContext().endContainer().endSpec()),
        "spec.containers[0].securityContext.privileged: not allowed by Pod Security \"restricted\" "
            + "(Privileged Containers)");
  }

  @Test
  void MTB_PL1_BC_CPI_6_blockPrivilegeEscalation() {
    assertRefused(pod("escalate", p -> p.editSpec().editFirstContainer().editSecurityContext()
            .withAllowPrivilegeEscalation(true).endSecurityContext().endContainer().endSpec()),
        "spec.containers[0].securityContext.allowPrivilegeEscalation: must be false to meet Pod Security "
            + "\"restricted\" (Privilege Escalation)");
  }

  @Test
  void MTB_PL1_BC_HI_1_blockUseOfHostPathVolumes() {
    assertRefused(pod("host-path", p -> p.editSpec().addNewVolume().withName("root").withNewHostPath("/", null)
            .endVolume().endSpec()),
        "spec.volumes[0].hostPath: not allowed by Pod Security \"restricted\"");
  }

  @Test
  void MTB_PL1_BC_HI_1_blockUseOfNodePortServices() {
    String message = refusal(alice, new ServiceBuilder().withNewMetadata().withName("exposed").withNamespace(ACME)
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(8080).endPort().endSpec().build());
    assertThat(message).contains("spec.type: NodePort is not allowed by plan \"free\" (allowed: ClusterIP)");
    assertThat(refusal(alice, new ServiceBuilder().withNewMetadata().withName("lb").withNamespace(ACME)
        .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withPort(8080).endPort().endSpec()
        .build())).contains("spec.type: LoadBalancer is not allowed");
    assertThat(refusal(alice, new ServiceBuilder().withNewMetadata().withName("intercept").withNamespace(ACME)
        .endMetadata().withNewSpec().withExternalIPs("203.0.113.7").addNewPort().withPort(80).endPort().endSpec()
        .build())).contains("spec.externalIPs: not allowed");
  }

  @Test
  void MTB_PL1_BC_HI_3_blockUseOfHostNetworkingAndPorts() {
    assertRefused(pod("host-net", p -> p.editSpec().withHostNetwork(true).endSpec()),
        "spec.hostNetwork: not allowed by Pod Security \"restricted\" (Host Namespaces)");
    assertRefused(pod("host-port", p -> p.editSpec().editFirstContainer().addNewPort().withContainerPort(8080)
            .withHostPort(8080).endPort().endContainer().endSpec()),
        "spec.containers[0].ports[0].hostPort: not allowed by Pod Security \"restricted\" (Host Ports)");
  }

  @Test
  void MTB_PL1_BC_HI_4_blockUseOfHostPid() {
    assertRefused(pod("host-pid", p -> p.editSpec().withHostPID(true).endSpec()),
        "spec.hostPID: not allowed by Pod Security \"restricted\" (Host Namespaces)");
  }

  @Test
  void MTB_PL1_BC_HI_5_blockUseOfHostIpc() {
    assertRefused(pod("host-ipc", p -> p.editSpec().withHostIPC(true).endSpec()),
        "spec.hostIPC: not allowed by Pod Security \"restricted\" (Host Namespaces)");
  }

  // ------------------------------------------------------------------ what stays allowed, and how refusals read

  @Test
  void restrictedPodsTheOwnersRestrictedDeploymentAndTheRuntimesOwnPodAreAccepted(KubernetesClient admin) {
    assertThatCode(() -> alice.resource(pod("fine", p -> p)).dryRun().create()).doesNotThrowAnyException();

    Kubectl.Result applied = kubectl.run(Serialization.asYaml(deployment("web", pod("web", p -> p))),
        "--as", ALICE, "-n", ACME, "apply", "--dry-run=server", "-f", "-");
    assertThat(applied.succeeded()).as(applied.stderr()).isTrue();
    assertThat(applied.stderr()).doesNotContain("Warning");

    Deployment runtime = admin.apps().deployments().inNamespace(ACME).withName("runtime").get();
    Pod runtimePod = new PodBuilder().withMetadata(new ObjectMetaBuilder()
            .withName("runtime-as-the-replicaset-makes-it").withNamespace(ACME)
            .withLabels(runtime.getSpec().getTemplate().getMetadata().getLabels()).build())
        .withSpec(runtime.getSpec().getTemplate().getSpec()).build();
    assertThatCode(() -> replicaSetController.resource(runtimePod).dryRun().create())
        .as("the operator's own runtime pod meets restricted").doesNotThrowAnyException();
  }

  @Test
  void aWorkloadWithARefusedPodTemplateIsAcceptedWithAWarningPerViolation() {
    Pod bad = pod("bad", p -> p.editSpec().withHostNetwork(true).editFirstContainer().editSecurityContext()
        .withPrivileged(true).withAllowPrivilegeEscalation(null).endSecurityContext().endContainer().endSpec());
    Kubectl.Result applied = kubectl.run(Serialization.asYaml(deployment("bad", bad)),
        "--as", ALICE, "-n", ACME, "apply", "--dry-run=server", "-f", "-");
    assertThat(applied.succeeded()).as(applied.stderr()).isTrue();
    assertThat(applied.stderr())
        .contains("Warning: would not be allowed to run: spec.template.spec.hostNetwork: not allowed by Pod Security")
        .contains("spec.template.spec.containers[0].securityContext.privileged: not allowed by Pod Security");
  }

  @Test
  void everyPodIsCheckedWhoeverCreatesItTheClusterAdminIncluded(KubernetesClient admin) {
    assertThatThrownBy(() -> admin.resource(pod("admin-privileged", p -> p.editSpec().editFirstContainer()
        .editSecurityContext().withPrivileged(true).withAllowPrivilegeEscalation(null).endSecurityContext()
        .endContainer().endSpec())).dryRun().create())
        .hasMessageContaining("privileged: not allowed by Pod Security");
  }

  @Test
  void theOwnerCannotChangeTheRuntimeOrWeakenTheIsolationPolicy() {
    assertThatThrownBy(() -> alice.apps().deployments().inNamespace(ACME).withName("runtime").dryRun()
        .edit(d -> new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
            .withImage("evil.example/miner:1").endContainer().endSpec().endTemplate().endSpec().build()))
        .hasMessageContaining("Deployment runtime in tenant-acme belongs to the Tenantry platform")
        .hasMessageContaining("Tenant acme spec.runtime");
    assertThatThrownBy(() -> alice.network().v1().networkPolicies().inNamespace(ACME).withName("tenant-isolation")
        .dryRun().delete())
        .hasMessageContaining("cannot be deleted by " + ALICE)
        .hasMessageContaining("create a NetworkPolicy of your own");
    assertThatThrownBy(() -> alice.network().v1().networkPolicies().inNamespace(ACME).withName("tenant-isolation")
        .dryRun().edit(n -> {
          n.getSpec().setPolicyTypes(List.of());
          return n;
        })).hasMessageContaining("cannot be changed");
    assertThatThrownBy(() -> alice.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
        .withName("fake-platform").withNamespace(ACME)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "tenantry-operator")).endMetadata().build())
        .dryRun().create())
        .as("the owner cannot pass off objects as the platform's").hasMessageContaining("cannot be created with the label");
  }

  @Test
  void aBaselinePlanRelaxesPodSecurityButNeverAllowsPrivilegeAndAllowsItsServiceTypes() {
    Pod rootish = pod("rootish", p -> p.editMetadata().withNamespace(INITECH).endMetadata().editSpec()
        .editSecurityContext().withRunAsNonRoot(null).endSecurityContext().editFirstContainer().editSecurityContext()
        .withAllowPrivilegeEscalation(null).withCapabilities(null).endSecurityContext().endContainer().endSpec());
    assertThatCode(() -> carol.resource(rootish).dryRun().create()).doesNotThrowAnyException();
    assertThatThrownBy(() -> carol.resource(new PodBuilder(rootish).editMetadata().withName("priv").endMetadata()
        .editSpec().editFirstContainer().editSecurityContext().withPrivileged(true).endSecurityContext()
        .endContainer().endSpec().build()).dryRun().create())
        .hasMessageContaining("privileged: not allowed by Pod Security \"baseline\"");
    assertThatCode(() -> carol.resource(new ServiceBuilder().withNewMetadata().withName("exposed")
        .withNamespace(INITECH).endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(8080).endPort()
        .endSpec().build()).dryRun().create()).doesNotThrowAnyException();
  }

  @Test
  void aPlanWithAllowedRegistriesRefusesOtherImagesAndATenantWhoseRuntimeBreaksItFails(KubernetesClient admin) {
    admin.resource(tenant("umbrella", "locked", "eve@umbrella.example")).create();
    Tenant failed = waitFor(admin, "umbrella", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Failed);
    var planResolved = failed.getStatus().condition("PlanResolved").orElseThrow();
    assertThat(planResolved.getReason()).isEqualTo(TenantModel.POLICY_VIOLATION);
    assertThat(planResolved.getMessage())
        .contains("runtime pod spec.containers[0].image: \"" + RUNTIME_IMAGE + "\" is not from a registry plan "
            + "\"locked\" allows (registry.example.com/)");
    assertThat(admin.namespaces().withName("tenant-umbrella").get()).as("nothing was created").isNull();

    // the plan's registries apply to the owner's pods too
    try {
      admin.resource(plan("free", p -> p.setAllowedRegistries(List.of("registry.example.com/", "tenantry/"))))
          .forceConflicts().serverSideApply();
      await().untilAsserted(() -> assertThat(refusal(alice, pod("foreign", p -> p.editSpec().editFirstContainer()
          .withImage("docker.io/library/busybox:1.36").endContainer().endSpec())))
          .contains("spec.containers[0].image: \"docker.io/library/busybox:1.36\" is not from a registry plan "
              + "\"free\" allows (registry.example.com/, tenantry/)"));
      assertThatCode(() -> alice.resource(pod("ours", p -> p)).dryRun().create()).doesNotThrowAnyException();
    } finally {
      admin.resource(examplePlan("free")).forceConflicts().serverSideApply();
    }
  }

  // ------------------------------------------------------------------ failure: closed, and only where it must be

  @Test
  @Order(Integer.MAX_VALUE)
  void withTheWebhookUnreachableTenantNamespacesFailClosedAndNothingElseIsAffected(KubernetesClient admin) {
    operator.close();
    operator = null;
    assertThatThrownBy(() -> admin.resource(pod("while-down", p -> p)).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("failed calling webhook");
    assertThatCode(() -> admin.resource(pod("elsewhere", p -> p.editMetadata().withNamespace("default").endMetadata()))
        .dryRun().create()).doesNotThrowAnyException();
    assertThatCode(() -> admin.resource(pod("platform", p -> p.editMetadata()
        .withNamespace(OperatorFixture.PLATFORM_NAMESPACE).endMetadata())).dryRun().create())
        .doesNotThrowAnyException();
    assertThatCode(() -> admin.resource(new ServiceBuilder().withNewMetadata().withName("elsewhere")
        .withNamespace("default").endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(80).endPort()
        .endSpec().build()).dryRun().create()).doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ helpers

  /** A pod that meets "restricted" in tenant-acme, changed by {@code change} to break one control. */
  static Pod pod(String name, UnaryOperator<PodBuilder> change) {
    PodBuilder restricted = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ACME).endMetadata()
        .withNewSpec()
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("app").withImage(RUNTIME_IMAGE)
        .withNewSecurityContext().withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .endContainer()
        .endSpec();
    return change.apply(restricted).build();
  }

  static Deployment deployment(String name, Pod template) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ACME).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata().withSpec(template.getSpec())
        .endTemplate().endSpec().build();
  }

  void assertRefused(Pod pod, String expected) {
    assertThat(refusal(alice, pod)).contains(expected);
  }

  /** The API server's message when {@code as} dry-run creates {@code object}; fails if it is accepted. */
  static String refusal(KubernetesClient as, HasMetadata object) {
    try {
      as.resource(object).dryRun().create();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      return e.getMessage();
    }
    throw new AssertionError(object.getKind() + " " + object.getMetadata().getName() + " was accepted");
  }

  static KubernetesClient replicaSetController(KubeApiServer server) {
    return server.newImpersonatingClient("system:serviceaccount:kube-system:replicaset-controller",
        List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"));
  }

  static boolean succeeds(Runnable call) {
    try {
      call.run();
      return true;
    } catch (KubernetesClientException refused) {
      return false;
    }
  }

  record GroupResource(String group, String apiVersion, String name, String kind, List<String> verbs) {
    GroupResource(String group, String apiVersion, String name, String kind) {
      this(group, apiVersion, name, kind, List.of());
    }

    @Override
    public String toString() {
      return group.isEmpty() ? name : name + "." + group;
    }
  }

  /** Every resource the API server serves, cluster-scoped or namespaced, as {@code kubectl api-resources} lists them. */
  static List<GroupResource> resources(KubernetesClient admin, boolean namespaced) {
    List<GroupResource> resources = new ArrayList<>();
    List<String> versions = new ArrayList<>(List.of("v1"));
    admin.getApiGroups().getGroups().forEach(g -> versions.add(g.getPreferredVersion().getGroupVersion()));
    for (String groupVersion : versions) {
      String group = groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
      for (APIResource resource : admin.getApiResources(groupVersion).getResources()) {
        if (resource.getName().contains("/") || resource.getNamespaced() != namespaced
            || resource.getVerbs() == null || resource.getVerbs().isEmpty()) {
          continue;
        }
        resources.add(new GroupResource(group, groupVersion, resource.getName(), resource.getKind(),
            resource.getVerbs()));
      }
    }
    return resources;
  }

  static boolean can(KubernetesClient as, String verb, GroupResource resource, String namespace) {
    var review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withVerb(verb).withGroup(resource.group()).withResource(resource.name()).withNamespace(namespace)
        .endResourceAttributes().endSpec().build();
    return Boolean.TRUE.equals(as.authorization().v1().selfSubjectAccessReview().create(review)
        .getStatus().getAllowed());
  }

  static String quotaNames(KubernetesClient as, String namespace) {
    return String.join(" ", as.resourceQuotas().inNamespace(namespace).list().getItems().stream()
        .flatMap(q -> q.getSpec().getHard().keySet().stream()).toList());
  }

  static String caBundle(KubernetesClient admin) {
    String pem = admin.configMaps().inNamespace(OperatorFixture.PLATFORM_NAMESPACE).withName("tenantry-ca").get()
        .getData().get("ca.crt");
    return java.util.Base64.getEncoder().encodeToString(pem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static TenantPlan examplePlan(String name) {
    try (var in = Files.newInputStream(TenantryCrds.checkout().resolve("crds/examples/plan-" + name + ".yaml"))) {
      return Serialization.unmarshal(in, TenantPlan.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Tenant tenant(String name, String plan, String owner) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan(plan);
    spec.setOwners(List.of(new Owner(Owner.Kind.User, owner)));
    tenant.setSpec(spec);
    return tenant;
  }

  /** A copy of plan free under {@code name}, with its policy changed by {@code change}. */
  static TenantPlan plan(String name, java.util.function.Consumer<PlanPolicy> change) {
    TenantPlan plan = Serialization.unmarshal(Serialization.asYaml(examplePlan("free")), TenantPlan.class);
    plan.setMetadata(new ObjectMetaBuilder().withName(name).build());
    PlanPolicy policy = plan.getSpec().effectivePolicy();
    change.accept(policy);
    plan.getSpec().setPolicy(policy);
    return plan;
  }
}
