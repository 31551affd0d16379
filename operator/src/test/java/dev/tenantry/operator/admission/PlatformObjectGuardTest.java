package dev.tenantry.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GroupVersionKindBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may touch the platform's objects in a tenant namespace: the decisions a real cluster's controllers rely on. */
class PlatformObjectGuardTest {

  static final String OPERATOR = "system:serviceaccount:tenantry-system:tenantry-operator";
  final PlatformObjectGuard guard = new PlatformObjectGuard(OPERATOR);

  static AdmissionRequest deleteOfPlatformPod(String user, String... groups) {
    var pod = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("runtime-1").withNamespace("tenant-acme")
        .withLabels(Map.of("app.kubernetes.io/managed-by", "tenantry-operator")).build()).build();
    return new AdmissionRequestBuilder().withUid("1").withOperation("DELETE").withName("runtime-1")
        .withNamespace("tenant-acme").withKind(new GroupVersionKindBuilder().withVersion("v1").withKind("Pod").build())
        .withOldObject(pod).withUserInfo(new UserInfoBuilder().withUsername(user).withGroups(List.of(groups)).build())
        .build();
  }

  @Test
  void theOperatorAndTheClustersOwnComponentsMayTheOwnerMayNot() {
    assertThat(guard.handle(deleteOfPlatformPod(OPERATOR)).getAllowed()).isTrue();
    assertThat(guard.handle(deleteOfPlatformPod("system:serviceaccount:kube-system:replicaset-controller"))
        .getAllowed()).isTrue();
    assertThat(guard.handle(deleteOfPlatformPod("system:serviceaccount:kube-system:namespace-controller"))
        .getAllowed()).isTrue();
    assertThat(guard.handle(deleteOfPlatformPod("system:kube-controller-manager")).getAllowed()).isTrue();
    assertThat(guard.handle(deleteOfPlatformPod("system:node:node-1", "system:nodes")).getAllowed())
        .as("a kubelet finishes its pod's graceful deletion").isTrue();

    var owner = guard.handle(deleteOfPlatformPod("alice@acme.example", "system:authenticated"));
    assertThat(owner.getAllowed()).isFalse();
    assertThat(owner.getStatus().getMessage()).isEqualTo("Pod runtime-1 in tenant-acme belongs to the Tenantry "
        + "platform and cannot be deleted by alice@acme.example; the runtime is set in Tenant acme spec.runtime "
        + "(image, replicas, resources) and spec.suspended");
    assertThat(guard.handle(deleteOfPlatformPod("system:serviceaccount:tenant-acme:default")).getAllowed())
        .as("a ServiceAccount of the tenant's own namespace is no controller").isFalse();
    assertThat(guard.handle(deleteOfPlatformPod("system:serviceaccount:kube-systemx:evil")).getAllowed()).isFalse();
  }
}
