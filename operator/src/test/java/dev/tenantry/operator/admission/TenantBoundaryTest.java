package dev.tenantry.operator.admission;

import static dev.tenantry.operator.OperatorFixture.await;
import static dev.tenantry.operator.OperatorFixture.condition;
import static dev.tenantry.operator.OperatorFixture.waitFor;
import static dev.tenantry.operator.admission.TenantIsolationTest.ACME;
import static dev.tenantry.operator.admission.TenantIsolationTest.ALICE;
import static dev.tenantry.operator.admission.TenantIsolationTest.can;
import static dev.tenantry.operator.admission.TenantIsolationTest.deployment;
import static dev.tenantry.operator.admission.TenantIsolationTest.plan;
import static dev.tenantry.operator.admission.TenantIsolationTest.pod;
import static dev.tenantry.operator.admission.TenantIsolationTest.refusal;
import static dev.tenantry.operator.admission.TenantIsolationTest.resources;
import static dev.tenantry.operator.admission.TenantIsolationTest.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.EgressRule;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.operator.admission.TenantIsolationTest.GroupResource;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.Kubectl;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The paths between tenants, tried as their owners would: another tenant's or the platform's
 * Ingress host, NetworkPolicies that open the namespace, scheduling that pushes other tenants
 * aside, pods passing as the platform's, exec and scale of the platform's workloads, hand-written
 * Endpoints, disruption budgets that block drains, and kinds without a count. Each refusal comes
 * from the operator's webhook, called over HTTPS by the real API server, and names its rule; each
 * has its allowed counterpart.
 */
@WithKubeApiServer(controllers = "clusterrole-aggregation")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantBoundaryTest {

  static final String NINA = "nina@north.example";
  static final String SAM = "sam@south.example";
  static final String NORTH = "tenant-north";
  static final String SOUTH_HOST = "shop.south.example";

  KubeApiServer apiServer;
  TenantryOperator operator;
  KubernetesClient asOperator;
  KubernetesClient alice;
  KubernetesClient nina;
  KubernetesClient sam;
  KubernetesClient replicaSetController;
  Kubectl kubectl;

  @BeforeAll
  void startOperatorWithItsWebhooks(KubeApiServer server, KubernetesClient admin) throws Exception {
    apiServer = server;
    TenantryCrds.installExamplePlans(admin);
    OperatorFixture.publishJwks(admin, OperatorFixture.JWKS);
    admin.resource(plan("hosted", policy -> {
      policy.setIngressHostnames(List.of("{tenant}.apps.example.com", "*.{tenant}.apps.example.com"));
      policy.setIngressClasses(List.of("nginx"));
      policy.setEgress(List.of(new EgressRule("203.0.113.0/24", List.of(443))));
      policy.setPriorityClasses(List.of("tenant-batch"));
      policy.setTolerations(List.of(new TolerationBuilder().withKey("pool").withOperator("Equal")
          .withValue("shared").withEffect("NoSchedule").build()));
      policy.setNodePool(Map.of("tenantry.dev/pool", "shared"));
    })).serverSideApply();
    admin.resource(new PriorityClassBuilder().withNewMetadata().withName("tenant-batch").endMetadata()
        .withValue(100).build()).serverSideApply();

    asOperator = OperatorFixture.asOperatorServiceAccount(server, admin);
    operator = TenantryOperator.start(OperatorFixture.config(), asOperator, Clock.systemUTC());
    TenantIsolationTest.registerWebhooks(admin, operator);

    admin.resource(tenant("acme", "free", ALICE)).create();
    admin.resource(tenant("north", "hosted", NINA)).create();
    Tenant south = tenant("south", "hosted", SAM);
    IngressSpec ingress = new IngressSpec();
    ingress.setHost(SOUTH_HOST);
    south.getSpec().setIngress(ingress);
    admin.resource(south).create();
    for (String name : List.of("acme", "north", "south")) {
      waitFor(admin, name, t -> condition(t, "DatabaseReady").filter("True"::equals).isPresent());
    }
    // the platform's own host: the console's Ingress in the platform namespace
    admin.resource(ingress("console", OperatorFixture.PLATFORM_NAMESPACE, "console.example.com", i -> i)).create();

    alice = server.newImpersonatingClient(ALICE, List.of("system:authenticated"));
    nina = server.newImpersonatingClient(NINA, List.of("system:authenticated"));
    sam = server.newImpersonatingClient(SAM, List.of("system:authenticated"));
    replicaSetController = TenantIsolationTest.replicaSetController(server);
    kubectl = new Kubectl(server.writeKubeConfig(Files.createTempDirectory("boundary").resolve("kubeconfig")));
  }

  @AfterAll
  void close() {
    TenantIsolationTest.closeAll(alice, nina, sam, replicaSetController, operator, asOperator);
  }

  // ------------------------------------------------------------------ 1. Ingress hosts, classes, annotations

  @Test
  void anOwnersIngressMayNotClaimAnotherTenantsOrThePlatformsHost() {
    assertThat(refusal(nina, ingress("steal", NORTH, SOUTH_HOST, i -> i)))
        .contains("host " + SOUTH_HOST + " is already claimed by tenant south (rule ingress.hosts: first claim wins)");
    assertThat(refusal(nina, ingress("console", NORTH, "console.example.com", i -> i)))
        .contains("host console.example.com is already claimed by the platform (namespace tenantry-system)");
    assertThat(refusal(nina, ingress("other", NORTH, "south.apps.example.com", i -> i)))
        .contains("host south.apps.example.com is not one tenant north may use (rule ingress.hosts; allowed: "
            + "north.apps.example.com, *.north.apps.example.com)");
    assertThat(refusal(alice, ingress("any", ACME, "acme.example.org", i -> i)))
        .as("a plan without patterns allows only the Tenant's own host")
        .contains("allowed: none: set spec.ingress.host on the Tenant or ingressHostnames on plan \"free\"");
    assertThat(refusal(nina, ingress("tls", NORTH, "north.apps.example.com", i -> i.editSpec().addNewTl()
        .withHosts(SOUTH_HOST).withSecretName("tls").endTl().endSpec())))
        .as("a TLS section claims its hosts too").contains("host " + SOUTH_HOST + " is already claimed by tenant south");
  }

  @Test
  void anOwnersIngressOnItsOwnHostsIsAcceptedAndAClaimedHostThenIsItsAlone() {
    assertThatCode(() -> nina.resource(ingress("web", NORTH, "north.apps.example.com", i -> i)).dryRun().create())
        .doesNotThrowAnyException();
    assertThatCode(() -> nina.resource(ingress("api", NORTH, "api.north.apps.example.com", i -> i)).create())
        .doesNotThrowAnyException();
    assertThat(refusal(nina, ingress("deep", NORTH, "a.b.north.apps.example.com", i -> i)))
        .as("the star stands for one label").contains("is not one tenant north may use");
    // an admin's second Ingress for that host elsewhere (a tenant of a plan that allows any) is refused: first claim wins
    await().untilAsserted(() -> assertThat(refusal(sam, ingress("api", "tenant-south", "api.north.apps.example.com",
        i -> i))).contains("host api.north.apps.example.com is already claimed by tenant north"));
  }

  @Test
  void snippetsForeignSecretsServerAliasesAndOtherIngressClassesAreRefused() {
    assertThat(refusal(nina, ingress("snippet", NORTH, "north.apps.example.com", i -> i.editMetadata()
        .addToAnnotations("nginx.ingress.kubernetes.io/configuration-snippet", "proxy_pass http://10.0.0.1;")
        .endMetadata())))
        .contains("annotation nginx.ingress.kubernetes.io/configuration-snippet: injects ingress controller "
            + "configuration, which tenants may not (rule ingress.annotations)");
    assertThat(refusal(nina, ingress("alias", NORTH, "north.apps.example.com", i -> i.editMetadata()
        .addToAnnotations("nginx.ingress.kubernetes.io/server-alias", SOUTH_HOST).endMetadata())))
        .contains("host " + SOUTH_HOST + " is already claimed by tenant south");
    assertThat(refusal(nina, ingress("mtls", NORTH, "north.apps.example.com", i -> i.editMetadata()
        .addToAnnotations("nginx.ingress.kubernetes.io/auth-tls-secret", "tenantry-system/tenantry-ca").endMetadata())))
        .contains("names a Secret of another namespace (tenantry-system/tenantry-ca; rule ingress.annotations)");
    assertThat(refusal(nina, ingress("public", NORTH, "north.apps.example.com", i -> i.editSpec()
        .withIngressClassName("public").endSpec())))
        .contains("spec.ingressClassName: \"public\" is not allowed by plan \"hosted\" (rule policy.ingressClasses; "
            + "allowed: nginx)");
    assertThat(refusal(nina, ingress("classless", NORTH, "north.apps.example.com", i -> i.editSpec()
        .withIngressClassName(null).endSpec())))
        .contains("spec.ingressClassName: must name one of the classes plan \"hosted\" allows");
  }

  // ------------------------------------------------------------------ 2. owners' NetworkPolicies

  @Test
  void anOwnersNetworkPolicyMayNotAdmitOtherNamespacesOrOpenEgressBeyondThePlan() {
    assertThat(refusal(alice, networkPolicy(ACME, p -> p.addNewEgress().endEgress())))
        .contains("spec.egress[0].to: empty opens egress to anywhere, which plan \"free\" does not allow "
            + "(rule policy.egress; allowed: none)");
    assertThat(refusal(alice, networkPolicy(ACME, p -> p.addNewEgress().addNewTo().withNewIpBlock()
        .withCidr("169.254.169.254/32").endIpBlock().endTo().endEgress())))
        .contains("spec.egress[0].to: ipBlock 169.254.169.254/32 is outside what plan \"free\" allows");
    assertThat(refusal(alice, networkPolicy(ACME, p -> p.addNewIngress().addNewFrom().withNewNamespaceSelector()
        .endNamespaceSelector().endFrom().endIngress())))
        .contains("spec.ingress[0].from: namespaceSelector admits traffic from outside the namespace");
    assertThat(refusal(alice, networkPolicy(ACME, p -> p.addNewIngress().addNewPort().withPort(new IntOrString(8080))
        .endPort().endIngress())))
        .contains("spec.ingress[0].from: empty admits every source");
    assertThat(refusal(alice, networkPolicy(ACME, p -> p.addNewEgress().addNewTo().withNewNamespaceSelector()
        .addToMatchLabels("kubernetes.io/metadata.name", "tenant-globex").endNamespaceSelector().endTo().endEgress())))
        .contains("spec.egress[0].to: namespaceSelector reaches outside the namespace");
    assertThat(refusal(nina, networkPolicy(NORTH, p -> p.addNewEgress().addNewTo().withNewIpBlock()
        .withCidr("203.0.113.10/32").endIpBlock().endTo().addNewPort().withPort(new IntOrString(22)).endPort()
        .endEgress())))
        .as("inside the plan's range but not on its port")
        .contains("ipBlock 203.0.113.10/32 on ports 22 is outside what plan \"hosted\" allows (rule policy.egress; "
            + "allowed: 203.0.113.0/24 ports [443])");
  }

  @Test
  void anOwnersNetworkPolicyWithinItsNamespaceThePlansRangesAndDnsIsAccepted() {
    assertThatCode(() -> alice.resource(networkPolicy(ACME, p -> p
        .addNewIngress().addNewFrom().withNewPodSelector().addToMatchLabels("app", "web").endPodSelector().endFrom()
        .endIngress()
        .addNewEgress().addNewTo().withNewPodSelector().endPodSelector().endTo().endEgress()
        .addNewEgress().addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort().endEgress()))
        .dryRun().create()).doesNotThrowAnyException();
    assertThatCode(() -> nina.resource(networkPolicy(NORTH, p -> p.addNewEgress().addNewTo().withNewIpBlock()
        .withCidr("203.0.113.10/32").endIpBlock().endTo().addNewPort().withPort(new IntOrString(443)).endPort()
        .endEgress())).dryRun().create()).doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ 4. scheduling

  @Test
  void priorityClassesNodeNamesAndTolerationsOutsideThePlanAreRefused() {
    assertThat(refusal(alice, pod("critical", p -> p.editSpec().withPriorityClassName("system-node-critical")
        .endSpec())))
        .contains("spec.priorityClassName: \"system-node-critical\" is not allowed by plan \"free\" "
            + "(rule policy.priorityClasses; allowed: none)");
    assertThat(refusal(alice, pod("pinned", p -> p.editSpec().withNodeName("node-1").endSpec())))
        .contains("spec.nodeName: choosing a node is not allowed in a tenant namespace (rule scheduling.nodeName)");
    assertThat(refusal(alice, pod("everywhere", p -> p.editSpec().addNewToleration().withOperator("Exists")
        .endToleration().endSpec())))
        .contains("spec.tolerations[0]: toleration of every taint is not allowed by plan \"free\" "
            + "(rule policy.tolerations)");
    assertThat(refusal(alice, pod("by-host", p -> p.editSpec().addToNodeSelector("kubernetes.io/hostname", "node-1")
        .endSpec())))
        .contains("spec.nodeSelector.kubernetes.io/hostname: naming a node is not allowed");
    assertThat(refusal(nina, northPod("no-pool", p -> p.editSpec().withNodeSelector(Map.of()).endSpec())))
        .contains("spec.nodeSelector: must select the node pool of plan \"hosted\" (tenantry.dev/pool=shared; "
            + "rule policy.nodePool)");
  }

  @Test
  void thePlansPriorityClassTolerationAndPoolAreAccepted(KubernetesClient admin) {
    assertThatCode(() -> nina.resource(northPod("batch", p -> p.editSpec().withPriorityClassName("tenant-batch")
        .addNewToleration().withKey("pool").withOperator("Equal").withValue("shared").withEffect("NoSchedule")
        .endToleration().endSpec())).dryRun().create()).doesNotThrowAnyException();
    // the tolerations Kubernetes adds to every pod pass on every plan
    assertThatCode(() -> alice.resource(pod("plain", p -> p)).dryRun().create()).doesNotThrowAnyException();
    Deployment runtime = admin.apps().deployments().inNamespace(NORTH).withName("runtime").get();
    assertThat(runtime.getSpec().getTemplate().getSpec().getNodeSelector())
        .as("the runtime selects its plan's pool").containsEntry("tenantry.dev/pool", "shared");
  }

  // ------------------------------------------------------------------ 5. the platform's workloads stay the platform's

  @Test
  void anOwnersPodMayNotCarryTheRuntimesSelectorNorMountThePlatformsSecrets(KubernetesClient admin) {
    assertThat(refusal(alice, pod("impostor", p -> p.editMetadata()
        .withLabels(TenantryApi.runtimeSelector("acme")).endMetadata())))
        .contains("is the runtime Service's selector; a pod of yours would receive the platform's calls "
            + "(rule platform.selectors)");
    assertThat(refusal(alice, deployment("impostors", pod("impostors", p -> p))
        .edit().editSpec().editTemplate().editMetadata().addToLabels(TenantryApi.runtimeSelector("acme"))
        .endMetadata().endTemplate().endSpec().build()))
        .as("a template too: its ReplicaSet's pods would join the Service").contains("rule platform.selectors");
    assertThat(refusal(alice, deployment("labelled", pod("labelled", p -> p)).edit().editSpec().editTemplate()
        .editMetadata().addToLabels(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE).endMetadata()
        .endTemplate().endSpec().build()))
        .contains("only the platform's pods carry tenantry-operator (rule platform.labels)");
    String secret = admin.secrets().inNamespace(ACME).withLabel(TenantryApi.MANAGED_BY_LABEL,
        TenantryApi.MANAGED_BY_VALUE).list().getItems().get(0).getMetadata().getName();
    assertThat(refusal(alice, pod("thief", p -> p.editSpec().addNewVolume().withName("loot").withNewSecret()
        .withSecretName(secret).endSecret().endVolume().endSpec())))
        .contains("spec.volumes[0].secret: Secret " + secret + " belongs to the platform and may not be mounted by "
            + "your pods (rule platform.mounts)");
    assertThat(refusal(alice, pod("env-thief", p -> p.editSpec().editFirstContainer().addNewEnv().withName("KEY")
        .withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey("tls.key").endSecretKeyRef().endValueFrom()
        .endEnv().endContainer().endSpec())))
        .contains("Secret " + secret + " belongs to the platform");
    // relabelling a running pod of one's own into the Service is refused as well
    alice.resource(pod("mine", p -> p)).create();
    assertThat(refusalOf(() -> alice.pods().inNamespace(ACME).withName("mine").edit(p -> new PodBuilder(p)
        .editMetadata().addToLabels(TenantryApi.runtimeSelector("acme")).endMetadata().build())))
        .contains("rule platform.selectors");
  }

  @Test
  void execAttachPortForwardAndScaleOfThePlatformsWorkloadsAreRefusedButNotOfTheOwnersOwn(KubernetesClient admin) {
    Deployment runtime = admin.apps().deployments().inNamespace(ACME).withName("runtime").get();
    // what the ReplicaSet controller makes of the runtime's Deployment (no controller runs here)
    Pod runtimePod = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("runtime-7d9f-abcde")
            .withNamespace(ACME).withLabels(runtime.getSpec().getTemplate().getMetadata().getLabels()).build())
        .withSpec(runtime.getSpec().getTemplate().getSpec()).build();
    replicaSetController.resource(runtimePod).create();
    // and what a kubelet would report of it: kubectl port-forward asks for a running pod first
    admin.pods().inNamespace(ACME).withName("runtime-7d9f-abcde").editStatus(p -> new PodBuilder(p).editOrNewStatus()
        .withPhase("Running").endStatus().build());

    for (List<String> command : List.of(List.of("exec", "runtime-7d9f-abcde", "--", "sh"),
        List.of("attach", "runtime-7d9f-abcde"), List.of("port-forward", "pod/runtime-7d9f-abcde", "18080:8080"))) {
      List<String> args = new ArrayList<>(List.of("--as", ALICE, "-n", ACME, "--request-timeout=20s"));
      args.addAll(command);
      Kubectl.Result result = kubectl.run("", args.toArray(String[]::new));
      assertThat(result.succeeded()).as(command + " " + result.stderr()).isFalse();
      assertThat(result.stderr()).as(String.valueOf(command))
          .contains("of Pod runtime-7d9f-abcde in tenant-acme is the Tenantry platform's and not open to " + ALICE
              + " (rule platform.subresources)");
    }
    Kubectl.Result scaled = kubectl.run("", "--as", ALICE, "-n", ACME, "scale", "deployment/runtime",
        "--replicas=5");
    assertThat(scaled.stderr()).contains("scale of Deployment runtime in tenant-acme is the Tenantry platform's")
        .contains("Tenant acme spec.runtime");

    alice.resource(deployment("own", pod("own", p -> p))).create();
    Kubectl.Result ownScale = kubectl.run("", "--as", ALICE, "-n", ACME, "scale", "deployment/own", "--replicas=2");
    assertThat(ownScale.succeeded()).as(ownScale.stderr()).isTrue();
  }

  @Test
  void endpointsAndEndpointSlicesWrittenByHandAreRefused() {
    assertThat(refusal(alice, new EndpointsBuilder().withNewMetadata().withName("anywhere").withNamespace(ACME)
        .endMetadata().addNewSubset().addNewAddress().withIp("10.87.0.1").endAddress().addNewPort().withPort(10250)
        .endPort().endSubset().build()))
        .contains("Endpoints anywhere: written by hand in a tenant namespace, they could point a Service anywhere "
            + "(rule network.endpoints, CVE-2021-25740)");
    assertThat(refusal(alice, new GenericKubernetesResourceBuilder().withApiVersion("discovery.k8s.io/v1beta1")
        .withKind("EndpointSlice").withNewMetadata().withName("anywhere").withNamespace(ACME).endMetadata()
        .addToAdditionalProperties("addressType", "IPv4")
        .addToAdditionalProperties("endpoints", List.of(Map.of("addresses", List.of("10.87.0.1"))))
        .build()))
        .as("the owners' admin role holds no EndpointSlices on 1.20; the webhook stands behind it where a role does")
        .contains("cannot create resource \"endpointslices\"");
  }

  @Test
  void aDisruptionBudgetMustAllowADisruption() {
    alice.resource(deployment("guarded", pod("guarded", p -> p))).create();
    assertThat(refusal(alice, budget("none", b -> b.withMaxUnavailable(new IntOrString(0)))))
        .contains("spec.maxUnavailable: 0 allows no disruption, which would block every drain of the node "
            + "(rule disruption.budgets)");
    assertThat(refusal(alice, budget("all", b -> b.withMinAvailable(new IntOrString("100%")))))
        .contains("spec.minAvailable: 100% allows no disruption");
    assertThat(refusal(alice, budget("every", b -> b.withMinAvailable(new IntOrString(1)))))
        .contains("spec.minAvailable: 1 of the 1 replicas it selects allows no disruption");
    assertThatCode(() -> alice.resource(budget("one", b -> b.withMaxUnavailable(new IntOrString(1)))).dryRun()
        .create()).doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ 7. objects that predate a rule

  @Test
  void anOwnerObjectThatARuleNowForbidsIsReportedAsPolicyViolationAndKept(KubernetesClient admin) {
    admin.resource(plan("tightening", policy -> policy.setEgress(List.of(new EgressRule("203.0.113.0/24",
        List.of(443)))))).serverSideApply();
    admin.resource(tenant("east", "tightening", "erin@east.example")).create();
    waitFor(admin, "east", t -> condition(t, "DatabaseReady").filter("True"::equals).isPresent());
    Tenant before = admin.resources(Tenant.class).withName("east").get();
    assertThat(condition(before, "PolicyViolation")).as("no condition while nothing breaks a rule").isEmpty();
    try (KubernetesClient erin = apiServer.newImpersonatingClient("erin@east.example",
        List.of("system:authenticated"))) {
      erin.resource(networkPolicy("tenant-east", p -> p.addNewEgress().addNewTo().withNewIpBlock()
          .withCidr("203.0.113.10/32").endIpBlock().endTo().addNewPort().withPort(new IntOrString(443)).endPort()
          .endEgress())).create();

      // the plan no longer allows that range: the policy made before stays, and the Tenant says so
      admin.resource(plan("tightening", policy -> { })).forceConflicts().serverSideApply();
      Tenant reported = waitFor(admin, "east", t -> condition(t, "PolicyViolation").filter("True"::equals).isPresent());
      var violation = reported.getStatus().condition("PolicyViolation").orElseThrow();
      assertThat(violation.getReason()).isEqualTo("OwnerObjectsBreakPolicy");
      assertThat(violation.getMessage()).contains("1 owner object(s) break the plan's policy and were kept")
          .contains("NetworkPolicy mine: spec.egress[0].to: ipBlock 203.0.113.10/32 on ports 443 is outside what "
              + "plan \"tightening\" allows");
      assertThat(reported.getStatus().getPhase()).as("the tenant keeps its phase").isEqualTo(before.getStatus().getPhase());
      assertThat(admin.network().v1().networkPolicies().inNamespace("tenant-east").withName("mine").get())
          .as("never deleted").isNotNull();

      erin.network().v1().networkPolicies().inNamespace("tenant-east").withName("mine").delete();
      Tenant clean = waitFor(admin, "east", t -> condition(t, "PolicyViolation").filter("False"::equals).isPresent());
      assertThat(clean.getStatus().condition("PolicyViolation").orElseThrow().getReason()).isEqualTo("NoViolations");
    }
  }

  // ------------------------------------------------------------------ 6. object counts

  @Test
  void everyKindTheOwnerMayCreateHasACountInTheQuota(KubernetesClient admin) {
    ResourceQuota quota = admin.resourceQuotas().inNamespace(ACME).withName("tenant-quota").get();
    Set<String> named = quota.getSpec().getHard().keySet();
    // kinds that store nothing, or that the quota names by their own keys
    Set<String> reviews = Set.of("localsubjectaccessreviews.authorization.k8s.io");
    List<String> uncounted = new ArrayList<>();
    for (GroupResource resource : resources(admin, true)) {
      String counted = resource.group().isEmpty() ? resource.name() : resource.name() + "." + resource.group();
      if (reviews.contains(counted) || !resource.verbs().contains("create") || !can(alice, "create", resource, ACME)) {
        continue;
      }
      if (!named.contains("count/" + counted) && !named.contains(counted)) {
        uncounted.add(counted);
      }
    }
    assertThat(uncounted).as("kinds %s may create in %s without a count in its quota", ALICE, ACME).isEmpty();
    assertThat(quota.getSpec().getHard().get("count/networkpolicies.networking.k8s.io").toString()).isEqualTo("20");
  }

  // ------------------------------------------------------------------ helpers

  static Ingress ingress(String name, String namespace, String host, UnaryOperator<IngressBuilder> change) {
    return change.apply(new IngressBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withIngressClassName("nginx").addNewRule().withHost(host).withNewHttp().addNewPath()
        .withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web").withNewPort()
        .withNumber(8080).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec()).build();
  }

  static NetworkPolicy networkPolicy(String namespace, UnaryOperator<io.fabric8.kubernetes.api.model.networking.v1
      .NetworkPolicyFluent<NetworkPolicyBuilder>.SpecNested<NetworkPolicyBuilder>> change) {
    return change.apply(new NetworkPolicyBuilder().withNewMetadata().withName("mine").withNamespace(namespace)
        .endMetadata().withNewSpec().withNewPodSelector().endPodSelector()).endSpec().build();
  }

  /** A restricted pod in tenant-north that selects its plan's node pool. */
  static Pod northPod(String name, UnaryOperator<PodBuilder> change) {
    return pod(name, p -> change.apply(p.editMetadata().withNamespace(NORTH).endMetadata().editSpec()
        .addToNodeSelector("tenantry.dev/pool", "shared").endSpec()));
  }

  static PodDisruptionBudget budget(String name, UnaryOperator<io.fabric8.kubernetes.api.model.policy.v1beta1
      .PodDisruptionBudgetFluent<PodDisruptionBudgetBuilder>.SpecNested<PodDisruptionBudgetBuilder>> change) {
    return change.apply(new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).withNamespace(ACME)
        .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "guarded").endSelector()).endSpec()
        .build();
  }

  /** The API server's message for a change that must be refused. */
  static String refusalOf(Runnable change) {
    try {
      change.run();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      assertThat(e.getCode()).as(e.getMessage()).isEqualTo(403);
      return e.getMessage();
    }
    throw new AssertionError("the change was accepted");
  }
}
