package dev.tenantry.operator.tenant.model;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.PlanStorage;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant's running service: its data claim (embedded store), the runtime Deployment, the
 * Service clients call, the Ingress when the tenant names a host, and a disruption budget when
 * it runs several replicas.
 */
public final class RuntimeWorkloadModel {

  public static final String DATA_CLAIM_NAME = "data";
  public static final Quantity DEFAULT_DATA_SIZE = new Quantity("1Gi");
  /** User id the runtime image runs as (non-root). */
  public static final long RUNTIME_UID = 10001L;
  static final int STARTUP_PROBE_SECONDS = 300;
  /** The runtime's /tmp (an emptyDir): Netty's native libraries and JVM scratch files. */
  static final String TMP_SIZE = "128Mi";
  private static final BigDecimal HALF_CPU = new BigDecimal("0.5");

  private final TenantModel model;

  RuntimeWorkloadModel(TenantModel model) {
    this.model = model;
  }

  /** Labels the runtime's Service selects its pods by. */
  public Map<String, String> runtimeSelector() {
    return TenantryApi.runtimeSelector(model.tenantName());
  }

  private Map<String, String> runtimeLabels() {
    Map<String, String> labels = new LinkedHashMap<>(model.labels());
    labels.putAll(runtimeSelector());
    labels.put("app.kubernetes.io/component", "runtime");
    return labels;
  }

  /**
   * The runtime JVM's options. Within at most half a CPU the C1 compiler alone is used: startup
   * then costs about a third less CPU (16 instead of 26 CPU-seconds, docs/benchmarks.md), and the
   * peak throughput C2 would buy cannot be reached at that size anyway.
   */
  public String javaOptions() {
    Quantity cpuLimit = model.resources().getLimits() == null ? null : model.resources().getLimits().get("cpu");
    boolean small = cpuLimit != null && Quantity.getAmountInBytes(cpuLimit).compareTo(HALF_CPU) <= 0;
    return "-XX:MaxRAMPercentage=70 -Djava.io.tmpdir=/tmp" + (small ? " -XX:TieredStopAtLevel=1" : "");
  }

  public PersistentVolumeClaim dataClaim() {
    PlanStorage storage = model.plan().getSpec().getStorage();
    Quantity size = storage != null && storage.getSize() != null ? storage.getSize() : DEFAULT_DATA_SIZE;
    var spec = new PersistentVolumeClaimBuilder()
        .withMetadata(model.meta(DATA_CLAIM_NAME))
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", size).endResources();
    if (storage != null && storage.getStorageClassName() != null) {
      spec.withStorageClassName(storage.getStorageClassName());
    }
    return spec.endSpec().build();
  }

  public Deployment deployment() {
    List<EnvVar> env = new ArrayList<>(List.of(
        env("TENANTRY_TENANT", model.tenantName()),
        env("TENANTRY_JWKS", "/etc/tenantry/config/" + TenantryApi.JWKS_KEY),
        env("TENANTRY_FEATURES", model.enabledFeatures()),
        env("TENANTRY_TLS_CERT", "/etc/tenantry/tls/tls.crt"),
        env("TENANTRY_TLS_KEY", "/etc/tenantry/tls/tls.key"),
        env("SERVER_PORT", String.valueOf(TenantryApi.RUNTIME_HTTP_PORT)),
        env("TENANTRY_GRPC_PORT", String.valueOf(TenantryApi.RUNTIME_GRPC_PORT)),
        env("MANAGEMENT_SERVER_PORT", String.valueOf(TenantryApi.RUNTIME_MANAGEMENT_PORT)),
        env("JAVA_TOOL_OPTIONS", javaOptions())));
    List<Volume> volumes = new ArrayList<>(List.of(
        // bounded, and not empty: JOSDK's server-side-apply matcher reads an empty emptyDir back
        // as missing and patched the Deployment again on every reconcile
        new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity(TMP_SIZE)).endEmptyDir()
            .build(),
        new VolumeBuilder().withName("config").withNewConfigMap().withName(CredentialsModel.CONFIG_MAP_NAME).endConfigMap().build(),
        new VolumeBuilder().withName("tls").withNewSecret().withSecretName(CredentialsModel.TLS_SECRET_NAME).endSecret().build()));
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        mount("tmp", "/tmp", false),
        mount("config", "/etc/tenantry/config", true),
        mount("tls", "/etc/tenantry/tls", true)));
    if (model.usesPostgres()) {
      env.add(env("TENANTRY_STORAGE", "postgres"));
      env.add(secretEnv("TENANTRY_DB_URL", "url"));
      env.add(secretEnv("TENANTRY_DB_USER", "username"));
      env.add(secretEnv("TENANTRY_DB_PASSWORD", "password"));
    } else {
      env.add(env("TENANTRY_STORAGE", "embedded"));
      env.add(env("TENANTRY_DATA_DIR", "/data"));
      volumes.add(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim()
          .withClaimName(DATA_CLAIM_NAME).endPersistentVolumeClaim().build());
      mounts.add(mount("data", "/data", false));
    }
    return new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(TenantryApi.RUNTIME_SERVICE).withNamespace(model.namespaceName())
            .withLabels(runtimeLabels()).build())
        .withNewSpec()
        .withReplicas(model.replicas())
        .withRevisionHistoryLimit(3)
        .withNewSelector().withMatchLabels(runtimeSelector()).endSelector()
        // an embedded store lives on a ReadWriteOnce volume: never two pods on it at once
        .withNewStrategy().withType(model.usesPostgres() ? "RollingUpdate" : "Recreate").endStrategy()
        .withNewTemplate()
        .withNewMetadata().withLabels(runtimeLabels()).endMetadata()
        .withNewSpec()
        .withServiceAccountName(NamespacePolicyModel.SERVICE_ACCOUNT_NAME)
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        // the plan's node pool, which every pod of the namespace must select (admission checks it)
        .withNodeSelector(model.policy().effectiveNodePool().isEmpty() ? null
            : new java.util.LinkedHashMap<>(model.policy().effectiveNodePool()))
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUNTIME_UID)
        .withRunAsGroup(RUNTIME_UID)
        .withFsGroup(RUNTIME_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("runtime")
        .withImage(model.image())
        .withImagePullPolicy("IfNotPresent")
        .addNewPort().withName(TenantryApi.RUNTIME_HTTP_PORT_NAME).withContainerPort(TenantryApi.RUNTIME_HTTP_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName(TenantryApi.RUNTIME_GRPC_PORT_NAME).withContainerPort(TenantryApi.RUNTIME_GRPC_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("management").withContainerPort(TenantryApi.RUNTIME_MANAGEMENT_PORT).withProtocol("TCP")
        .endPort()
        .withEnv(env)
        .withResources(model.resources())
        // readiness every second: after the startup probe passes, the pod turns Ready (and a woken
        // tenant's held calls go through) at the next readiness tick, on average half a period
        // later; with starts of about 2 s a longer period was a large share of the wake
        .withReadinessProbe(probe("/actuator/health/readiness", 3, 1))
        .withLivenessProbe(probe("/actuator/health/liveness", 6, 5))
        // a JVM starting on a busy node (twenty tenants at once on two cores) needs minutes, not
        // one: a shorter budget kills it mid-start and the restarts only add load
        .withStartupProbe(probe("/actuator/health/liveness", STARTUP_PROBE_SECONDS, 1))
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The runtime's Service. While the activator holds the tenant's calls it selects nothing: its
   * Endpoints ({@link #heldEndpoints}) name the activator instead, and its name, cluster IP and
   * ports stay as they are, so callers keep their address.
   */
  public Service service() {
    return new ServiceBuilder()
        .withMetadata(model.meta(TenantryApi.RUNTIME_SERVICE))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(model.callsHeldBy().isPresent() ? null : runtimeSelector())
        .addNewPort().withName(TenantryApi.RUNTIME_HTTP_PORT_NAME).withPort(TenantryApi.RUNTIME_HTTP_PORT)
        .withTargetPort(new IntOrString(TenantryApi.RUNTIME_HTTP_PORT_NAME)).withProtocol("TCP").endPort()
        .addNewPort().withName(TenantryApi.RUNTIME_GRPC_PORT_NAME).withPort(TenantryApi.RUNTIME_GRPC_PORT)
        .withTargetPort(new IntOrString(TenantryApi.RUNTIME_GRPC_PORT_NAME)).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** The Service's Endpoints while the activator holds the tenant's calls: the activator's pods and ports. */
  public Optional<Endpoints> heldEndpoints() {
    return model.callsHeldBy().map(route -> new EndpointsBuilder()
        .withMetadata(model.meta(TenantryApi.RUNTIME_SERVICE))
        .addNewSubset()
        .withAddresses(route.addresses().stream().map(ip -> new EndpointAddressBuilder().withIp(ip).build()).toList())
        .addNewPort().withName(TenantryApi.RUNTIME_HTTP_PORT_NAME).withPort(route.httpPort()).withProtocol("TCP").endPort()
        .addNewPort().withName(TenantryApi.RUNTIME_GRPC_PORT_NAME).withPort(route.grpcPort()).withProtocol("TCP").endPort()
        .endSubset()
        .build());
  }

  /** The public entry point; empty unless the tenant names an ingress host. */
  public Optional<Ingress> ingress() {
    return model.ingressHost().map(host -> new IngressBuilder()
        .withMetadata(model.meta(TenantryApi.RUNTIME_SERVICE))
        .withNewSpec()
        .addNewTl().withHosts(host).withSecretName(CredentialsModel.TLS_SECRET_NAME).endTl()
        .addNewRule().withHost(host).withNewHttp()
        .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService()
        .withName(TenantryApi.RUNTIME_SERVICE).withNewPort().withName(TenantryApi.RUNTIME_HTTP_PORT_NAME).endPort().endService().endBackend().endPath()
        .endHttp().endRule()
        .endSpec()
        .build());
  }

  /** Keeps one runtime pod during voluntary disruptions; only with several replicas and {@code policy/v1}. */
  public Optional<PodDisruptionBudget> podDisruptionBudget() {
    if (!model.settings().podDisruptionBudgets() || model.replicas() < 2) {
      return Optional.empty();
    }
    return Optional.of(new PodDisruptionBudgetBuilder()
        .withMetadata(model.meta(TenantryApi.RUNTIME_SERVICE))
        .withNewSpec().withMaxUnavailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(runtimeSelector()).endSelector().endSpec()
        .build());
  }

  private static Probe probe(String path, int failureThreshold, int periodSeconds) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("management")).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretEnv(String name, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
        .withName(CredentialsModel.DATABASE_SECRET_NAME).withKey(key).endSecretKeyRef().endValueFrom().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    // readOnly: false is the API's default and is not stored: stating it would make every
    // server-side-apply comparison see a difference and re-apply the Deployment
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }
}
