package dev.tenantry.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.KubeBinaries;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRDs on a real kube-apiserver: accepted examples, rejected bad specs, defaults, columns. */
@WithKubeApiServer
class CrdValidationTest {

  private static final ResourceDefinitionContext TENANTS =
      new ResourceDefinitionContext.Builder()
          .withGroup(TenantryApi.GROUP)
          .withVersion(TenantryApi.VERSION)
          .withPlural("tenants")
          .withKind("Tenant")
          .withNamespaced(false)
          .build();

  @BeforeAll
  static void installPlans(KubernetesClient client) {
    TenantryCrds.installExamplePlans(client);
  }

  @Test
  void bothCrdsAreEstablishedAndClusterScoped(KubernetesClient client) {
    for (String name : List.of("tenants.tenantry.dev", "tenantplans.tenantry.dev", "tenantrollouts.tenantry.dev",
        "tenantbackups.tenantry.dev", "tenantbackupschedules.tenantry.dev", "tenantrestores.tenantry.dev")) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
      assertThat(crd.getSpec().getNames().getCategories()).containsExactly("tenantry");
      assertThat(crd.getStatus().getConditions())
          .anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Established");
            assertThat(c.getStatus()).isEqualTo("True");
          });
    }
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("tenants.tenantry.dev").get()
            .getSpec().getNames().getShortNames())
        .containsExactly("tn");
  }

  static Stream<Arguments> badBackupObjects() {
    return Stream.of(
        Arguments.of("tenantbackups", "TenantBackup", Map.of("tenant", "acme", "ttl", "7 days"),
            "spec.ttl: Invalid value: \"7 days\""),
        Arguments.of("tenantbackups", "TenantBackup", Map.of("ttl", "P7D"), "spec.tenant: Required value"),
        Arguments.of("tenantbackups", "TenantBackup", Map.of("tenant", "Not_A_Tenant"), "spec.tenant: Invalid value"),
        Arguments.of("tenantrestores", "TenantRestore", Map.of("target", Map.of("tenant", "copy")),
            "spec.backup: Required value"),
        Arguments.of("tenantrestores", "TenantRestore", Map.of("backup", "b1", "target", Map.of("tenant", "UPPER")),
            "spec.target.tenant: Invalid value"),
        Arguments.of("tenantbackupschedules", "TenantBackupSchedule",
            Map.of("tenant", "acme", "schedule", "every night"), "spec.schedule: Invalid value"),
        Arguments.of("tenantbackupschedules", "TenantBackupSchedule",
            Map.of("tenant", "acme", "schedule", "0 2 * * *", "keep", 0), "spec.keep: Invalid value: 0"));
  }

  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("badBackupObjects")
  void malformedBackupsRestoresAndSchedulesAreRefused(String plural, String kind, Map<String, Object> spec,
      String expected, KubernetesClient client) {
    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(TenantryApi.GROUP)
        .withVersion(TenantryApi.VERSION).withPlural(plural).withKind(kind).withNamespaced(false).build();
    GenericKubernetesResource object = new GenericKubernetesResourceBuilder()
        .withApiVersion(TenantryApi.API_VERSION).withKind(kind)
        .withNewMetadata().withName("bad").endMetadata()
        .addToAdditionalProperties("spec", spec).build();
    assertThatThrownBy(() -> client.genericKubernetesResources(context).resource(object).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getMessage()).contains(expected);
        });
  }

  @Test
  void aScheduleGetsItsDefaultsAndABackupItsColumns(KubernetesClient client) {
    ResourceDefinitionContext schedules = new ResourceDefinitionContext.Builder().withGroup(TenantryApi.GROUP)
        .withVersion(TenantryApi.VERSION).withPlural("tenantbackupschedules").withKind("TenantBackupSchedule")
        .withNamespaced(false).build();
    GenericKubernetesResource created = client.genericKubernetesResources(schedules).resource(
        new GenericKubernetesResourceBuilder().withApiVersion(TenantryApi.API_VERSION).withKind("TenantBackupSchedule")
            .withNewMetadata().withName("nightly").endMetadata()
            .addToAdditionalProperties("spec", Map.of("tenant", "acme", "schedule", "0 2 * * *")).build()).create();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) created.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("keep", 7).containsEntry("timeZone", "UTC");
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("tenantbackups.tenantry.dev").get()
            .getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .extracting(c -> c.getName()).containsExactlyInAnyOrder("Tenant", "Phase", "Size", "Events", "Age");
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("tenantrestores.tenantry.dev").get()
        .getSpec().getNames().getShortNames()).containsExactly("tnrs");
  }

  @Test
  void everyExampleIsAccepted(KubernetesClient client) throws IOException {
    assertThat(client.resources(TenantPlan.class).list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .contains("free", "pro", "enterprise");
    try (Stream<Path> files = Files.list(TenantryCrds.checkout().resolve("crds/examples"))) {
      List<Path> tenants = files.filter(p -> p.getFileName().toString().startsWith("tenant-")).sorted().toList();
      assertThat(tenants).hasSizeGreaterThanOrEqualTo(3);
      for (Path file : tenants) {
        Tenant tenant = TenantryCrds.load(client, file, Tenant.class);
        client.resource(tenant).create();
        assertThat(client.resources(Tenant.class).withName(tenant.getMetadata().getName()).get()).isNotNull();
      }
    }
  }

  @Test
  void defaultsAreAppliedByTheApiServer(KubernetesClient client) {
    GenericKubernetesResource created =
        client.genericKubernetesResources(TENANTS).resource(tenant("defaults", Map.of("plan", "free"))).create();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) created.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("suspended", false).containsEntry("deletionPolicy", "Delete");

    Tenant typed = client.resources(Tenant.class).withName("defaults").get();
    assertThat(typed.getSpec().effectiveDeletionPolicy()).isEqualTo(DeletionPolicy.Delete);
    assertThat(typed.getSpec().isSuspendedRequested()).isFalse();
  }

  static Stream<Arguments> badTenants() {
    return Stream.of(
        Arguments.of("unknown storage type", Map.of("plan", "free", "storage", Map.of("type", "Mongo")),
            "spec.storage.type: Unsupported value: \"Mongo\""),
        Arguments.of("replicas above 20", Map.of("plan", "free", "runtime", Map.of("replicas", 21)),
            "spec.runtime.replicas: Invalid value: 21"),
        Arguments.of("negative replicas", Map.of("plan", "free", "runtime", Map.of("replicas", -1)),
            "spec.runtime.replicas: Invalid value: -1"),
        Arguments.of("missing plan", Map.of("displayName", "No plan"), "spec.plan: Required value"),
        Arguments.of("bad deletion policy", Map.of("plan", "free", "deletionPolicy", "Shred"),
            "spec.deletionPolicy: Unsupported value: \"Shred\""),
        Arguments.of("malformed ingress host", Map.of("plan", "free", "ingress", Map.of("host", "Not A Host!")),
            "spec.ingress.host: Invalid value: \"Not A Host!\""),
        Arguments.of("unknown owner kind", Map.of("plan", "free", "owners", List.of(Map.of("kind", "Robot", "name", "r2"))),
            "spec.owners.kind: Unsupported value: \"Robot\""),
        Arguments.of("owner without name", Map.of("plan", "free", "owners", List.of(Map.of("kind", "User"))),
            "spec.owners.name: Required value"),
        Arguments.of("replicas of the wrong type", Map.of("plan", "free", "runtime", Map.of("replicas", "three")),
            "spec.runtime.replicas: Invalid value: \"string\""),
        Arguments.of("suspended of the wrong type", Map.of("plan", "free", "suspended", "yes"),
            "spec.suspended: Invalid value: \"string\""),
        Arguments.of("plan name not a DNS label", Map.of("plan", "Free_Plan"),
            "spec.plan: Invalid value: \"Free_Plan\""),
        Arguments.of("idleAfter not an ISO-8601 duration", Map.of("plan", "free", "hibernation",
            Map.of("idleAfter", "15m")), "spec.hibernation.idleAfter: Invalid value: \"15m\""),
        Arguments.of("sleep window cron of three fields", Map.of("plan", "free", "hibernation",
            Map.of("schedule", Map.of("sleepAt", "0 20 *", "wakeAt", "0 7 * * *"))),
            "spec.hibernation.schedule.sleepAt: Invalid value: \"0 20 *\""),
        Arguments.of("sleep window without its end", Map.of("plan", "free", "hibernation",
            Map.of("schedule", Map.of("sleepAt", "0 20 * * *"))), "spec.hibernation.schedule.wakeAt: Required value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTenants")
  void badTenantsAreRejectedWithTheValidationMessage(String what, Map<String, Object> spec, String message,
      KubernetesClient client) {
    String name = "bad-" + Integer.toHexString(what.hashCode() & 0xfffff);
    assertThatThrownBy(() -> client.genericKubernetesResources(TENANTS).resource(tenant(name, spec)).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
    assertThat(client.genericKubernetesResources(TENANTS).withName(name).get()).as("nothing stored").isNull();
  }

  @Test
  void kubectlShowsThePrinterColumns(KubeApiServer server, KubernetesClient client, @TempDir Path dir)
      throws Exception {
    client.genericKubernetesResources(TENANTS).resource(tenant("columns", Map.of("plan", "pro"))).create();
    Path kubeconfig = server.writeKubeConfig(dir.resolve("kubeconfig"));
    Process kubectl =
        new ProcessBuilder(KubeBinaries.binary("kubectl").toString(), "--kubeconfig", kubeconfig.toString(),
                "get", "tenants", "columns")
            .redirectErrorStream(true)
            .start();
    assertThat(kubectl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.exitValue()).as(output).isZero();
    String header = output.lines().findFirst().orElseThrow();
    assertThat(header.split("\\s+")).contains("NAME", "PLAN", "PHASE", "READY", "NAMESPACE", "AGE");
    assertThat(output.lines().skip(1).findFirst().orElseThrow()).startsWith("columns").contains("pro");
  }

  private static final ResourceDefinitionContext ROLLOUTS =
      new ResourceDefinitionContext.Builder()
          .withGroup(TenantryApi.GROUP)
          .withVersion(TenantryApi.VERSION)
          .withPlural("tenantrollouts")
          .withKind("TenantRollout")
          .withNamespaced(false)
          .build();

  @Test
  void theExampleRolloutIsAcceptedWithItsDefaults(KubernetesClient client) {
    TenantRollout example = TenantryCrds.load(client, TenantryCrds.checkout().resolve("crds/examples/rollout-free.yaml"),
        TenantRollout.class);
    client.resource(example).create();
    GenericKubernetesResource minimal = client.genericKubernetesResources(ROLLOUTS)
        .resource(custom("TenantRollout", "minimal", Map.of("image", "registry.example.com:5000/tenantry/tenant-runtime:1.2.3",
            "healthGate", Map.of()))).create();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) minimal.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("paused", false).containsEntry("abort", false).containsEntry("soakSeconds", 0)
        .containsEntry("healthGate", Map.of("readyTimeoutSeconds", 300));
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("tenantrollouts.tenantry.dev").get()
        .getSpec().getNames().getShortNames()).containsExactly("tnr");
  }

  static Stream<Arguments> badRollouts() {
    return Stream.of(
        Arguments.of("no image", Map.of("soakSeconds", 5), "spec.image: Required value"),
        Arguments.of("image without a tag", Map.of("image", "tenantry/tenant-runtime"), "spec.image: Invalid value"),
        Arguments.of("image with a bad tag", Map.of("image", "tenantry/tenant-runtime:-1"), "spec.image: Invalid value"),
        Arguments.of("negative soak", Map.of("image", "a/b:1", "soakSeconds", -1), "spec.soakSeconds: Invalid value: -1"),
        Arguments.of("no waves", Map.of("image", "a/b:1", "waves", List.of()), "spec.waves: Invalid value"),
        Arguments.of("wave without size", Map.of("image", "a/b:1", "waves", List.of(Map.of("name", "x"))),
            "spec.waves.tenants: Required value"),
        Arguments.of("zero ready timeout", Map.of("image", "a/b:1", "healthGate", Map.of("readyTimeoutSeconds", 0)),
            "spec.healthGate.readyTimeoutSeconds: Invalid value: 0"),
        Arguments.of("paused of the wrong type", Map.of("image", "a/b:1", "paused", "yes"),
            "spec.paused: Invalid value: \"string\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRollouts")
  void badRolloutsAreRejectedWithTheValidationMessage(String what, Map<String, Object> spec, String message,
      KubernetesClient client) {
    String name = "bad-" + Integer.toHexString(what.hashCode() & 0xfffff);
    assertThatThrownBy(() -> client.genericKubernetesResources(ROLLOUTS).resource(custom("TenantRollout", name, spec))
        .create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(message);
  }

  private static GenericKubernetesResource custom(String kind, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(TenantryApi.API_VERSION)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  private static GenericKubernetesResource tenant(String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(TenantryApi.API_VERSION)
        .withKind("Tenant")
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }
}
