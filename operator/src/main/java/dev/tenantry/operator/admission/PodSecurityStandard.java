package dev.tenantry.operator.admission;

import dev.tenantry.crds.plan.PodSecurityLevel;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a pod against a Pod Security Standard level, control by control as the Kubernetes
 * documentation defines "baseline" and "restricted". Pure: a pod spec in, the violations out, each
 * naming the offending field, so both the pod webhook (refusal) and the workload webhook
 * (warning) say exactly what to change.
 */
public final class PodSecurityStandard {

  /** Capabilities baseline lets a container add. */
  static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
      "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  /** Sysctls that are namespaced and cannot affect other pods on the node. */
  static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
  static final Set<String> SELINUX_TYPES = Set.of("container_t", "container_init_t", "container_kvm_t");
  static final String APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
  static final String SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
  static final String SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

  /**
   * One control a pod fails.
   *
   * @param field the offending field, e.g. {@code spec.containers[0].securityContext.privileged}
   * @param problem what is wrong with it, e.g. {@code not allowed} or {@code must be false}
   * @param control the Pod Security control, as the Kubernetes documentation names it
   */
  public record Violation(String field, String problem, String control) {
    /** The sentence shown to the user, e.g. {@code ...privileged: not allowed by Pod Security "restricted" (Privileged Containers)}. */
    public String describe(PodSecurityLevel level) {
      return field + ": " + problem + (problem.startsWith("must") ? " to meet" : " by") + " Pod Security \""
          + level.label() + "\" (" + control + ")";
    }
  }

  private PodSecurityStandard() {}

  /**
   * The violations of {@code spec} (with its pod's {@code metadata}) at {@code level}; fields are
   * reported under {@code prefix} (empty for a pod, {@code spec.template.} for a Deployment).
   */
  public static List<Violation> check(ObjectMeta metadata, PodSpec spec, String prefix, PodSecurityLevel level) {
    if (spec == null) {
      return List.of();
    }
    Checks checks = new Checks(prefix);
    baseline(checks, metadata, spec);
    if (level == PodSecurityLevel.RESTRICTED) {
      restricted(checks, spec);
    }
    return checks.violations();
  }

  private static void baseline(Checks checks, ObjectMeta metadata, PodSpec spec) {
    PodSecurityContext pod = spec.getSecurityContext();
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      checks.refuse("spec.hostNetwork", "Host Namespaces");
    }
    if (Boolean.TRUE.equals(spec.getHostPID())) {
      checks.refuse("spec.hostPID", "Host Namespaces");
    }
    if (Boolean.TRUE.equals(spec.getHostIPC())) {
      checks.refuse("spec.hostIPC", "Host Namespaces");
    }
    if (pod != null) {
      if (pod.getWindowsOptions() != null && Boolean.TRUE.equals(pod.getWindowsOptions().getHostProcess())) {
        checks.refuse("spec.securityContext.windowsOptions.hostProcess", "HostProcess");
      }
      seLinux(checks, "spec.securityContext.seLinuxOptions", pod.getSeLinuxOptions());
      if (unconfined(pod.getSeccompProfile())) {
        checks.refuse("spec.securityContext.seccompProfile.type", "Seccomp");
      }
      for (Sysctl sysctl : list(pod.getSysctls())) {
        if (!SAFE_SYSCTLS.contains(sysctl.getName())) {
          checks.add("spec.securityContext.sysctls", "\"" + sysctl.getName() + "\" not allowed", "Sysctls");
        }
      }
    }
    for (int i = 0; i < list(spec.getVolumes()).size(); i++) {
      if (spec.getVolumes().get(i).getHostPath() != null) {
        checks.refuse("spec.volumes[" + i + "].hostPath", "HostPath Volumes");
      }
    }
    Map<String, String> annotations = metadata == null || metadata.getAnnotations() == null ? Map.of()
        : metadata.getAnnotations();
    annotations.forEach((key, value) -> {
      if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !"runtime/default".equals(value)
          && !value.startsWith("localhost/")) {
        checks.refuse("metadata.annotations[" + key + "]", "AppArmor");
      }
      if ((key.equals(SECCOMP_POD_ANNOTATION) || key.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX))
          && "unconfined".equals(value)) {
        checks.refuse("metadata.annotations[" + key + "]", "Seccomp");
      }
    });
    for (ContainerView container : containers(spec)) {
      SecurityContext context = container.securityContext();
      for (int p = 0; p < container.ports().size(); p++) {
        Integer hostPort = container.ports().get(p).getHostPort();
        if (hostPort != null && hostPort != 0) {
          checks.refuse(container.path() + ".ports[" + p + "].hostPort", "Host Ports");
        }
      }
      if (context == null) {
        continue;
      }
      String at = container.path() + ".securityContext";
      if (Boolean.TRUE.equals(context.getPrivileged())) {
        checks.refuse(at + ".privileged", "Privileged Containers");
      }
      if (context.getWindowsOptions() != null && Boolean.TRUE.equals(context.getWindowsOptions().getHostProcess())) {
        checks.refuse(at + ".windowsOptions.hostProcess", "HostProcess");
      }
      for (String added : added(context)) {
        if (!BASELINE_CAPABILITIES.contains(added)) {
          checks.add(at + ".capabilities.add", "\"" + added + "\" not allowed", "Capabilities");
        }
      }
      seLinux(checks, at + ".seLinuxOptions", context.getSeLinuxOptions());
      if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
        checks.refuse(at + ".procMount", "/proc Mount Type");
      }
      if (unconfined(context.getSeccompProfile())) {
        checks.refuse(at + ".seccompProfile.type", "Seccomp");
      }
    }
  }

  private static void restricted(Checks checks, PodSpec spec) {
    PodSecurityContext pod = spec.getSecurityContext();
    List<Volume> volumes = list(spec.getVolumes());
    for (int i = 0; i < volumes.size(); i++) {
      String at = "spec.volumes[" + i + "].";
      volumeType(volumes.get(i)).ifPresent(type -> checks.refuse(at + type, "Volume Types"));
    }
    boolean podNonRoot = pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
    boolean podSeccomp = pod != null && confined(pod.getSeccompProfile());
    if (pod != null && pod.getRunAsUser() != null && pod.getRunAsUser() == 0L) {
      checks.add("spec.securityContext.runAsUser", "must not be 0", "Running as Non-root user");
    }
    for (ContainerView container : containers(spec)) {
      SecurityContext context = container.securityContext();
      String at = container.path() + ".securityContext";
      if (context == null || !Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        checks.add(at + ".allowPrivilegeEscalation", "must be false", "Privilege Escalation");
      }
      Boolean nonRoot = context == null ? null : context.getRunAsNonRoot();
      if (Boolean.FALSE.equals(nonRoot) || (nonRoot == null && !podNonRoot)) {
        checks.add(at + ".runAsNonRoot", "must be true (here or in spec.securityContext)", "Running as Non-root");
      }
      if (context != null && context.getRunAsUser() != null && context.getRunAsUser() == 0L) {
        checks.add(at + ".runAsUser", "must not be 0", "Running as Non-root user");
      }
      SeccompProfile seccomp = context == null ? null : context.getSeccompProfile();
      if (seccomp == null ? !podSeccomp : !confined(seccomp) && !unconfined(seccomp)) {
        checks.add(at + ".seccompProfile.type", "must be RuntimeDefault or Localhost (here or in spec.securityContext)",
            "Seccomp");
      }
      List<String> dropped = context == null || context.getCapabilities() == null ? List.of()
          : list(context.getCapabilities().getDrop());
      if (!dropped.contains("ALL")) {
        checks.add(at + ".capabilities.drop", "must include \"ALL\"", "Capabilities");
      }
      for (String added : added(context)) {
        if (!"NET_BIND_SERVICE".equals(added) && BASELINE_CAPABILITIES.contains(added)) {
          checks.add(at + ".capabilities.add", "\"" + added + "\" not allowed", "Capabilities");
        }
      }
    }
  }

  /** The volume source a restricted pod may not use, e.g. {@code nfs}; empty for an allowed one. */
  private static Optional<String> volumeType(Volume volume) {
    Map<String, Object> sources = new LinkedHashMap<>();
    sources.put("hostPath", volume.getHostPath());
    sources.put("gcePersistentDisk", volume.getGcePersistentDisk());
    sources.put("awsElasticBlockStore", volume.getAwsElasticBlockStore());
    sources.put("gitRepo", volume.getGitRepo());
    sources.put("nfs", volume.getNfs());
    sources.put("iscsi", volume.getIscsi());
    sources.put("glusterfs", volume.getGlusterfs());
    sources.put("rbd", volume.getRbd());
    sources.put("flexVolume", volume.getFlexVolume());
    sources.put("cinder", volume.getCinder());
    sources.put("cephfs", volume.getCephfs());
    sources.put("flocker", volume.getFlocker());
    sources.put("fc", volume.getFc());
    sources.put("azureFile", volume.getAzureFile());
    sources.put("vsphereVolume", volume.getVsphereVolume());
    sources.put("quobyte", volume.getQuobyte());
    sources.put("azureDisk", volume.getAzureDisk());
    sources.put("photonPersistentDisk", volume.getPhotonPersistentDisk());
    sources.put("portworxVolume", volume.getPortworxVolume());
    sources.put("scaleIO", volume.getScaleIO());
    sources.put("storageos", volume.getStorageos());
    sources.put("image", volume.getImage());
    return sources.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).findFirst();
  }

  private static void seLinux(Checks checks, String at, SELinuxOptions options) {
    if (options == null) {
      return;
    }
    if (options.getType() != null && !options.getType().isEmpty() && !SELINUX_TYPES.contains(options.getType())) {
      checks.refuse(at + ".type", "SELinux");
    }
    if (options.getUser() != null && !options.getUser().isEmpty()) {
      checks.refuse(at + ".user", "SELinux");
    }
    if (options.getRole() != null && !options.getRole().isEmpty()) {
      checks.refuse(at + ".role", "SELinux");
    }
  }

  private static boolean unconfined(SeccompProfile profile) {
    return profile != null && "Unconfined".equals(profile.getType());
  }

  private static boolean confined(SeccompProfile profile) {
    return profile != null && ("RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType()));
  }

  private static List<String> added(SecurityContext context) {
    Capabilities capabilities = context == null ? null : context.getCapabilities();
    return capabilities == null ? List.of() : list(capabilities.getAdd());
  }

  /** Init, regular and ephemeral containers alike, each with the path its fields are reported under. */
  private static List<ContainerView> containers(PodSpec spec) {
    List<ContainerView> views = new ArrayList<>();
    addContainers(views, "spec.initContainers", list(spec.getInitContainers()));
    addContainers(views, "spec.containers", list(spec.getContainers()));
    List<EphemeralContainer> ephemeral = list(spec.getEphemeralContainers());
    for (int i = 0; i < ephemeral.size(); i++) {
      EphemeralContainer c = ephemeral.get(i);
      views.add(new ContainerView("spec.ephemeralContainers[" + i + "]", c.getSecurityContext(), list(c.getPorts())));
    }
    return views;
  }

  private static void addContainers(List<ContainerView> views, String field, List<Container> containers) {
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      views.add(new ContainerView(field + "[" + i + "]", c.getSecurityContext(), list(c.getPorts())));
    }
  }

  private static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : items;
  }

  private record ContainerView(String path, SecurityContext securityContext, List<ContainerPort> ports) {}

  /** Collects violations under a field prefix, one per field (a hostPath volume breaks two controls). */
  private static final class Checks {
    private final String prefix;
    private final Map<String, Violation> byField = new LinkedHashMap<>();

    Checks(String prefix) {
      this.prefix = prefix;
    }

    void refuse(String field, String control) {
      add(field, "not allowed", control);
    }

    void add(String field, String problem, String control) {
      String qualified = prefix + field;
      Violation existing = byField.get(qualified);
      if (existing == null) {
        byField.put(qualified, new Violation(qualified, problem, control));
      } else if (!existing.problem().contains(problem)) {
        byField.put(qualified, new Violation(qualified, existing.problem() + ", " + problem, existing.control()));
      }
    }

    List<Violation> violations() {
      return List.copyOf(byField.values());
    }
  }
}
