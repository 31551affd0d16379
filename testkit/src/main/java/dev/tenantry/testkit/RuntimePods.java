package dev.tenantry.testkit;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where no kubelet runs pods (kube-api-test), reports a tenant's runtime pods ready as the
 * Deployment controller would, so the operator sees its runtime come up.
 */
public final class RuntimePods {
  private RuntimePods() {}

  /** Waits up to a minute for {@code tenant-<tenant>/runtime}, then writes its status: every replica ready. */
  public static void reportReady(KubernetesClient client, String tenant) {
    var deployment = client.apps().deployments().inNamespace("tenant-" + tenant).withName("runtime");
    deployment.waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    deployment.editStatus(d -> {
      int replicas = d.getSpec().getReplicas();
      d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
          .withAvailableReplicas(replicas).withUpdatedReplicas(replicas)
          .withObservedGeneration(d.getMetadata().getGeneration()).build());
      return d;
    });
  }
}
