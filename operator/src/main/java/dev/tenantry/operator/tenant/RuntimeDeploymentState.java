package dev.tenantry.operator.tenant;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Optional;

/**
 * The runtime Deployment as its controller last reported it. Ready means rolled out as
 * {@code kubectl rollout status} means it: the controller has seen the current spec, every pod
 * runs it, none of the old ones is left, and all are ready. Counting ready pods alone would
 * call a tenant Ready on its old pods while its new image has not started, and a rollout's
 * health gate would pass a broken image.
 */
record RuntimeDeploymentState(boolean observed, int ready, int updated, int total) {

  static RuntimeDeploymentState of(Optional<Deployment> deployment) {
    if (deployment.isEmpty() || deployment.get().getStatus() == null) {
      // nothing reported yet: no pod of any spec is ready
      return new RuntimeDeploymentState(true, 0, 0, 0);
    }
    Deployment d = deployment.get();
    DeploymentStatus status = d.getStatus();
    Long generation = d.getMetadata().getGeneration();
    // no observed generation yet: a new Deployment, none of whose pods can be ready
    boolean observed = generation == null || status.getObservedGeneration() == null
        || status.getObservedGeneration() >= generation;
    return new RuntimeDeploymentState(observed, orZero(status.getReadyReplicas()), orZero(status.getUpdatedReplicas()),
        orZero(status.getReplicas()));
  }

  /** Whether {@code replicas} pods run the current spec, all ready, and no old pod is left. */
  boolean rolledOut(int replicas) {
    return observed && updated >= replicas && ready >= replicas && total <= updated;
  }

  /** What is still awaited, for the RuntimeReady condition's message. */
  String waitingFor(int replicas) {
    if (!observed) {
      return "waiting for the Deployment controller to pick up the new runtime spec";
    }
    if (total > updated) {
      return "rolling out the runtime: " + updated + " of " + replicas + " pods updated, " + ready + " ready, "
          + (total - updated) + " old pods left";
    }
    return "waiting for runtime pods: " + ready + " of " + replicas + " ready";
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
