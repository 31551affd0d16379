package dev.tenantry.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.tenantry.operator.admission.IsolationWebhooks;
import dev.tenantry.operator.admission.WebhookSettings;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart as Helm sees it (lint, template, schema), and its single sources of truth. */
class HelmChartTest {

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    for (Path generated : TenantryCrds.crdFiles()) {
      Path inChart = Chart.directory().resolve("crds").resolve(generated.getFileName());
      assertThat(inChart).as("helm/tenantry/crds must hold a copy of %s: cp crds/*.yaml helm/tenantry/crds/", generated)
          .exists();
      assertThat(Files.readString(inChart)).as("%s differs from %s: copy it again", inChart, generated)
          .isEqualTo(Files.readString(generated));
    }
    try (var files = Files.list(Chart.directory().resolve("crds"))) {
      assertThat(files.count()).as("the chart ships exactly the generated CRDs").isEqualTo(TenantryCrds.crdFiles().size());
    }
  }

  @Test
  void chartRbacIsTheOperatorsOwnFile() throws IOException {
    Path source = TenantryCrds.checkout().resolve("operator/rbac/operator-rbac.yaml");
    assertThat(Files.readString(Chart.directory().resolve("files/operator-rbac.yaml")))
        .as("helm/tenantry/files/operator-rbac.yaml must equal %s: copy it again", source)
        .isEqualTo(Files.readString(source));
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = Chart.helm().lint().strict().call();
    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderTheWholePlatform() throws IOException {
    List<HasMetadata> objects = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).call());

    Deployment operator = Chart.find(objects, Deployment.class, "tenantry-operator");
    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("tenantry/operator:0.1.0");
    assertThat(env(container)).containsEntry("TENANTRY_NAMESPACE", Chart.NAMESPACE)
        .doesNotContainKeys("TENANTRY_POSTGRES_URL", "OTEL_EXPORTER_OTLP_ENDPOINT");
    assertRestricted(operator);
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");

    Deployment controlApi = Chart.find(objects, Deployment.class, "tenantry-control-api");
    assertRestricted(controlApi);
    assertThat(controlApi.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("tenantry-control-api");
    assertThat(objects).noneMatch(o -> o instanceof Ingress);

    // the activator: restricted, and a Service whose port names the operator copies into sleeping tenants' Endpoints
    Deployment activator = Chart.find(objects, Deployment.class, TenantryApi.ACTIVATOR_SERVICE);
    assertRestricted(activator);
    assertThat(env(activator.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("TENANTRY_ACTIVATOR_HOLD_TIMEOUT", "PT30S").containsEntry("TENANTRY_ACTIVATOR_MAX_HELD", "200");
    assertThat(Chart.find(objects, io.fabric8.kubernetes.api.model.Service.class, TenantryApi.ACTIVATOR_SERVICE)
        .getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort())
        .containsExactly(TenantryApi.RUNTIME_HTTP_PORT_NAME + ":" + TenantryApi.RUNTIME_HTTP_PORT,
            TenantryApi.RUNTIME_GRPC_PORT_NAME + ":" + TenantryApi.RUNTIME_GRPC_PORT);

    // the operator's ClusterRole carries exactly the rules of operator/rbac/operator-rbac.yaml
    ClusterRole rendered = Chart.find(objects, ClusterRole.class, "tenantry-operator");
    assertThat(rendered.getRules()).isEqualTo(operatorFileRole(ClusterRole.class).getRules());
    assertThat(Chart.find(objects, Role.class, "tenantry-operator-leader-election").getRules())
        .isEqualTo(operatorFileRole(Role.class).getRules());
    ClusterRoleBinding binding = Chart.find(objects, ClusterRoleBinding.class, "tenantry-operator");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("tenantry-operator");
      assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
    });

    assertThat(objects.stream().filter(o -> o.getKind().equals("TenantPlan")).map(o -> o.getMetadata().getName()))
        .containsExactlyInAnyOrder("free", "pro", "enterprise");
    assertThat(planSpec(objects, "pro")).isEqualTo(examplePlanSpec("pro"));
  }

  @Test
  void theTenantIsolationWebhooksAreTheOperatorsOwnConfigurationServedByItsReplicas() {
    List<HasMetadata> objects = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).call());
    ValidatingWebhookConfiguration rendered =
        Chart.find(objects, ValidatingWebhookConfiguration.class, WebhookSettings.DEFAULT_CONFIGURATION);
    assertThat(rendered.getWebhooks()).isEqualTo(IsolationWebhooks.webhooks(path -> new WebhookClientConfigBuilder()
        .withNewService().withName(WebhookSettings.DEFAULT_SERVICE).withNamespace(Chart.NAMESPACE).withPath(path)
        .withPort(443).endService().build()));

    io.fabric8.kubernetes.api.model.Service service =
        Chart.find(objects, io.fabric8.kubernetes.api.model.Service.class, WebhookSettings.DEFAULT_SERVICE);
    Deployment operator = Chart.find(objects, Deployment.class, "tenantry-operator");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
    Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo(service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
      assertThat(p.getContainerPort()).isEqualTo(Integer.parseInt(env(container).get("TENANTRY_WEBHOOK_PORT")));
    });
    assertThat(env(container))
        .containsEntry("TENANTRY_WEBHOOK_SERVICE", WebhookSettings.DEFAULT_SERVICE)
        .containsEntry("TENANTRY_WEBHOOK_CONFIGURATION", WebhookSettings.DEFAULT_CONFIGURATION)
        .containsEntry("TENANTRY_OPERATOR_IDENTITY", "system:serviceaccount:" + Chart.NAMESPACE + ":tenantry-operator");
  }

  @Test
  void productionValuesWireIssuerIngressDatabaseAndTracing() {
    List<HasMetadata> objects = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).withValuesFile(Chart.directory().resolve("ci/production-values.yaml")).call());

    Deployment operator = Chart.find(objects, Deployment.class, "tenantry-operator");
    assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
    Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/tenantry/operator:0.1.0");
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("TENANTRY_POSTGRES_URL");
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("tenantry-postgres-admin");
    });
    assertThat(env(container)).containsEntry("TENANTRY_POSTGRES_TENANT_HOST", "postgres.databases.svc")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4318");

    Container controlApi = Chart.find(objects, Deployment.class, "tenantry-control-api")
        .getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(controlApi)).containsEntry("TENANTRY_OIDC_ISSUER", "https://login.example.com/realms/platform");
    Ingress ingress = Chart.find(objects, Ingress.class, "tenantry-control-api");
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("tenantry.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("tenantry-tls");
  }

  @Test
  void theOperatorKeepsBackupsOnAVolumeItsReplicasShare() {
    List<HasMetadata> objects = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).call());
    Deployment operator = Chart.find(objects, Deployment.class, "tenantry-operator");
    var pod = operator.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    String directory = env(container).get("TENANTRY_BACKUP_DIR");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo(directory);
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getName()).isEqualTo(m.getName());
        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("tenantry-backups");
      });
    });
    var claim = Chart.find(objects, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, "tenantry-backups");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    // two replicas and a ReadWriteOnce volume: both on the node that mounts it
    assertThat(pod.getAffinity().getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement().satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));

    List<HasMetadata> shared = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).set("backup.volume.accessMode", "ReadWriteMany")
        .set("backup.volume.existingClaim", "nfs-backups").call());
    var sharedPod = Chart.find(shared, Deployment.class, "tenantry-operator").getSpec().getTemplate().getSpec();
    assertThat(sharedPod.getAffinity()).isNull();
    assertThat(sharedPod.getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim() == null ? null
        : v.getPersistentVolumeClaim().getClaimName()).isEqualTo("nfs-backups"));
    assertThat(shared).noneMatch(o -> o.getKind().equals("PersistentVolumeClaim"));

    List<HasMetadata> s3 = Chart.parse(Chart.helm().template().withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE).set("backup.s3.bucket", "tenantry-backups")
        .set("backup.s3.endpoint", "https://minio.storage:9000").set("backup.s3.pathStyle", "true")
        .set("backup.s3.credentialsSecret", "backup-keys").call());
    var s3Pod = Chart.find(s3, Deployment.class, "tenantry-operator").getSpec().getTemplate().getSpec();
    assertThat(env(s3Pod.getContainers().get(0))).containsEntry("TENANTRY_BACKUP_S3_BUCKET", "tenantry-backups")
        .containsEntry("TENANTRY_BACKUP_S3_ENDPOINT", "https://minio.storage:9000")
        .containsEntry("TENANTRY_BACKUP_S3_PATH_STYLE", "true")
        .doesNotContainKey("TENANTRY_BACKUP_DIR");
    assertThat(s3Pod.getContainers().get(0).getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("TENANTRY_BACKUP_S3_SECRET_ACCESS_KEY");
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("backup-keys");
    });
    assertThat(s3Pod.getAffinity()).isNull();
    assertThat(s3).noneMatch(o -> o.getKind().equals("PersistentVolumeClaim"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "operator.replicas|-1|replicas",
      "image.pullPolicy|Sometimes|pullPolicy",
      "operater.replicas|2|operater",
      "controlApi.ingress.enabled|true|host",
      "controlApi.oidcIssuer|http://insecure.example.com|oidcIssuer",
      "plans.free.storage.type|Floppy|type",
      "plans.free.policy.podSecurity|privileged|podSecurity",
      "operator.webhook.timeoutSeconds|60|timeoutSeconds",
      "plans.Bad_Name.runtime.image|x|Bad_Name",
      "image.registry|registry.example.com|registry",
      "backup.volume.accessMode|ReadWriteSometimes|accessMode",
  })
  void badValuesFailWithTheSchemasMessage(String key, String value, String named) {
    assertThatThrownBy(() -> Chart.helm().template().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
        .set(key, value).call())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }

  private static void assertRestricted(Deployment deployment) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().get(0).getSecurityContext();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static <T extends HasMetadata> T operatorFileRole(Class<T> type) throws IOException {
    try (InputStream in = Files.newInputStream(TenantryCrds.checkout().resolve("operator/rbac/operator-rbac.yaml"))) {
      return Chart.parse(new String(in.readAllBytes())).stream().filter(type::isInstance).map(type::cast)
          .findFirst().orElseThrow();
    }
  }

  private static Object planSpec(List<HasMetadata> objects, String name) {
    HasMetadata plan = objects.stream().filter(o -> o.getKind().equals("TenantPlan"))
        .filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    // compared as maps: Helm sorts keys, the example files do not
    return Serialization.unmarshal(Serialization.asJson(plan), GenericKubernetesResource.class)
        .getAdditionalProperties().get("spec");
  }

  private static Object examplePlanSpec(String name) throws IOException {
    String yaml = Files.readString(TenantryCrds.checkout().resolve("crds/examples/plan-" + name + ".yaml"));
    return planSpec(Chart.parse(yaml), name);
  }
}
