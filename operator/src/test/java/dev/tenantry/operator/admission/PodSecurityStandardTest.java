package dev.tenantry.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.plan.PodSecurityLevel;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each Pod Security control against its field, at both levels, without a cluster. */
class PodSecurityStandardTest {

  static final ObjectMeta NO_ANNOTATIONS = new ObjectMetaBuilder().build();

  static PodSpec restricted(UnaryOperator<PodSpecBuilder> change) {
    return change.apply(new PodSpecBuilder()
        .withNewSecurityContext().withRunAsNonRoot(true)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("app").withImage("app:1")
        .withNewSecurityContext().withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext().endContainer()).build();
  }

  static List<String> fields(PodSpec spec, PodSecurityLevel level) {
    return PodSecurityStandard.check(NO_ANNOTATIONS, spec, "", level).stream()
        .map(PodSecurityStandard.Violation::field).toList();
  }

  @Test
  void aRestrictedPodPassesBothLevels() {
    assertThat(fields(restricted(p -> p), PodSecurityLevel.RESTRICTED)).isEmpty();
    assertThat(fields(restricted(p -> p), PodSecurityLevel.BASELINE)).isEmpty();
  }

  @Test
  void aBarePodPassesBaselineButMissesEveryRestrictedSetting() {
    PodSpec bare = new PodSpecBuilder().addNewContainer().withName("app").withImage("app:1").endContainer().build();
    assertThat(fields(bare, PodSecurityLevel.BASELINE)).isEmpty();
    assertThat(fields(bare, PodSecurityLevel.RESTRICTED)).containsExactlyInAnyOrder(
        "spec.containers[0].securityContext.allowPrivilegeEscalation",
        "spec.containers[0].securityContext.runAsNonRoot",
        "spec.containers[0].securityContext.seccompProfile.type",
        "spec.containers[0].securityContext.capabilities.drop");
  }

  @Test
  void hostAccessIsRefusedAtBothLevels() {
    PodSpec host = restricted(p -> p.withHostNetwork(true).withHostPID(true).withHostIPC(true)
        .addNewVolume().withName("root").withNewHostPath("/", null).endVolume()
        .editFirstContainer().addNewPort().withContainerPort(80).withHostPort(80).endPort()
        .editSecurityContext().withPrivileged(true).withProcMount("Unmasked").endSecurityContext().endContainer());
    for (PodSecurityLevel level : PodSecurityLevel.values()) {
      assertThat(fields(host, level)).contains("spec.hostNetwork", "spec.hostPID", "spec.hostIPC",
          "spec.volumes[0].hostPath", "spec.containers[0].ports[0].hostPort",
          "spec.containers[0].securityContext.privileged", "spec.containers[0].securityContext.procMount");
    }
  }

  @Test
  void capabilitiesBaselineAllowsItsListRestrictedOnlyNetBindService() {
    PodSpec chown = restricted(p -> p.editFirstContainer().editSecurityContext().editCapabilities()
        .withAdd("CHOWN").endCapabilities().endSecurityContext().endContainer());
    assertThat(fields(chown, PodSecurityLevel.BASELINE)).isEmpty();
    assertThat(fields(chown, PodSecurityLevel.RESTRICTED)).containsExactly(
        "spec.containers[0].securityContext.capabilities.add");
    PodSpec sysAdmin = restricted(p -> p.editFirstContainer().editSecurityContext().editCapabilities()
        .withAdd("SYS_ADMIN").endCapabilities().endSecurityContext().endContainer());
    assertThat(fields(sysAdmin, PodSecurityLevel.BASELINE)).containsExactly(
        "spec.containers[0].securityContext.capabilities.add");
  }

  @Test
  void runAsNonRootAndSeccompMayBeSetPerContainerInsteadOfForThePod() {
    PodSpec perContainer = restricted(p -> p.withSecurityContext(null).editFirstContainer().editSecurityContext()
        .withRunAsNonRoot(true).withNewSeccompProfile().withType("Localhost").withLocalhostProfile("p.json")
        .endSeccompProfile().endSecurityContext().endContainer());
    assertThat(fields(perContainer, PodSecurityLevel.RESTRICTED)).isEmpty();
    PodSpec containerOverridesPod = restricted(p -> p.editFirstContainer().editSecurityContext()
        .withRunAsNonRoot(false).withRunAsUser(0L).endSecurityContext().endContainer());
    assertThat(fields(containerOverridesPod, PodSecurityLevel.RESTRICTED)).containsExactlyInAnyOrder(
        "spec.containers[0].securityContext.runAsNonRoot", "spec.containers[0].securityContext.runAsUser");
  }

  @Test
  void initAndEphemeralContainersAreCheckedToo() {
    PodSpec spec = restricted(p -> p.addNewInitContainer().withName("init").withImage("i:1").endInitContainer()
        .addNewEphemeralContainer().withName("debug").withImage("d:1").withNewSecurityContext().withPrivileged(true)
        .endSecurityContext().endEphemeralContainer());
    assertThat(fields(spec, PodSecurityLevel.BASELINE)).containsExactly(
        "spec.ephemeralContainers[0].securityContext.privileged");
    assertThat(fields(spec, PodSecurityLevel.RESTRICTED)).contains(
        "spec.initContainers[0].securityContext.allowPrivilegeEscalation");
  }

  @Test
  void volumeTypesSysctlsSeLinuxAppArmorAndUnconfinedSeccomp() {
    PodSpec spec = restricted(p -> p.addNewVolume().withName("nfs").withNewNfs().withServer("nfs").withPath("/")
            .endNfs().endVolume()
        .addNewVolume().withName("ok").withNewEmptyDir().endEmptyDir().endVolume()
        .editSecurityContext().addNewSysctl().withName("kernel.msgmax").withValue("1").endSysctl()
        .addNewSysctl().withName("net.ipv4.ip_local_port_range").withValue("1024 2048").endSysctl()
        .withNewSeLinuxOptions().withType("spc_t").endSeLinuxOptions()
        .withNewSeccompProfile().withType("Unconfined").endSeccompProfile().endSecurityContext());
    assertThat(fields(spec, PodSecurityLevel.BASELINE)).containsExactlyInAnyOrder("spec.securityContext.sysctls",
        "spec.securityContext.seLinuxOptions.type", "spec.securityContext.seccompProfile.type");
    assertThat(fields(spec, PodSecurityLevel.RESTRICTED)).contains("spec.volumes[0].nfs")
        .doesNotContain("spec.volumes[1].emptyDir");
    ObjectMeta annotated = new ObjectMetaBuilder().withAnnotations(Map.of(
        "container.apparmor.security.beta.kubernetes.io/app", "unconfined")).build();
    assertThat(PodSecurityStandard.check(annotated, restricted(p -> p), "", PodSecurityLevel.BASELINE))
        .extracting(PodSecurityStandard.Violation::control).containsExactly("AppArmor");
  }

  @Test
  void aWorkloadsFieldsAreReportedUnderItsTemplateAndTheMessageNamesFieldAndControl() {
    PodSpec spec = restricted(p -> p.editFirstContainer().editSecurityContext().withPrivileged(true)
        .endSecurityContext().endContainer());
    var violations = PodSecurityStandard.check(NO_ANNOTATIONS, spec, "spec.template.", PodSecurityLevel.RESTRICTED);
    assertThat(violations).singleElement().satisfies(v -> assertThat(v.describe(PodSecurityLevel.RESTRICTED))
        .isEqualTo("spec.template.spec.containers[0].securityContext.privileged: not allowed by Pod Security "
            + "\"restricted\" (Privileged Containers)"));
  }
}
