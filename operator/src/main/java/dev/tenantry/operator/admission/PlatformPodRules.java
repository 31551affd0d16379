package dev.tenantry.operator.admission;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What keeps a tenant's own pods from passing as the platform's: they may not carry the
 * operator's label, nor the labels the runtime's Service selects (they would receive the
 * platform's calls and tokens), nor mount the Secrets and ConfigMaps the platform made. Pure.
 */
final class PlatformPodRules {

  private PlatformPodRules() {}

  static List<String> violations(PodTemplates.PodShape pod, String tenant, TenantPolicies.PlatformObjects platform) {
    List<String> violations = new ArrayList<>();
    Map<String, String> labels = pod.metadata() == null || pod.metadata().getLabels() == null ? Map.of()
        : pod.metadata().getLabels();
    if (TenantryApi.MANAGED_BY_VALUE.equals(labels.get(TenantryApi.MANAGED_BY_LABEL))) {
      violations.add(pod.prefix() + "metadata.labels." + TenantryApi.MANAGED_BY_LABEL + ": only the platform's pods "
          + "carry " + TenantryApi.MANAGED_BY_VALUE + " (rule platform.labels)");
    }
    Map<String, String> runtimeSelector = TenantryApi.runtimeSelector(tenant);
    if (labels.entrySet().containsAll(runtimeSelector.entrySet())) {
      violations.add(pod.prefix() + "metadata.labels: " + runtimeSelector + " is the runtime Service's selector; a pod "
          + "of yours would receive the platform's calls (rule platform.selectors)");
    }
    PodSpec spec = pod.spec();
    if (spec == null) {
      return violations;
    }
    List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      String field = pod.prefix() + "spec.volumes[" + i + "]";
      if (volume.getSecret() != null) {
        secret(volume.getSecret().getSecretName(), field + ".secret", platform, violations);
      }
      if (volume.getConfigMap() != null) {
        configMap(volume.getConfigMap().getName(), field + ".configMap", platform, violations);
      }
      if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
        for (VolumeProjection source : volume.getProjected().getSources()) {
          if (source.getSecret() != null) {
            secret(source.getSecret().getName(), field + ".projected", platform, violations);
          }
          if (source.getConfigMap() != null) {
            configMap(source.getConfigMap().getName(), field + ".projected", platform, violations);
          }
        }
      }
    }
    containers(spec).forEach(named -> {
      Container container = named.container();
      for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
        if (from.getSecretRef() != null) {
          secret(from.getSecretRef().getName(), named.field() + ".envFrom", platform, violations);
        }
        if (from.getConfigMapRef() != null) {
          configMap(from.getConfigMapRef().getName(), named.field() + ".envFrom", platform, violations);
        }
      }
      for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
        if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
          secret(env.getValueFrom().getSecretKeyRef().getName(), named.field() + ".env." + env.getName(), platform,
              violations);
        }
        if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
          configMap(env.getValueFrom().getConfigMapKeyRef().getName(), named.field() + ".env." + env.getName(),
              platform, violations);
        }
      }
    });
    return violations;
  }

  private record NamedContainer(String field, Container container) {}

  private static Stream<NamedContainer> containers(PodSpec spec) {
    List<NamedContainer> all = new ArrayList<>();
    List<Container> init = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    List<Container> main = spec.getContainers() == null ? List.of() : spec.getContainers();
    for (int i = 0; i < init.size(); i++) {
      all.add(new NamedContainer("spec.initContainers[" + i + "]", init.get(i)));
    }
    for (int i = 0; i < main.size(); i++) {
      all.add(new NamedContainer("spec.containers[" + i + "]", main.get(i)));
    }
    return all.stream();
  }

  private static void secret(String name, String field, TenantPolicies.PlatformObjects platform, List<String> violations) {
    if (name != null && platform.secrets().contains(name)) {
      violations.add(field + ": Secret " + name + " belongs to the platform and may not be mounted by your pods "
          + "(rule platform.mounts)");
    }
  }

  private static void configMap(String name, String field, TenantPolicies.PlatformObjects platform,
      List<String> violations) {
    if (name != null && platform.configMaps().contains(name)) {
      violations.add(field + ": ConfigMap " + name + " belongs to the platform and may not be mounted by your pods "
          + "(rule platform.mounts)");
    }
  }
}
