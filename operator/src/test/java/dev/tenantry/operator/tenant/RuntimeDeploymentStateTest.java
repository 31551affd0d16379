package dev.tenantry.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the runtime counts as rolled out: every pod on the current spec and ready, nothing old left. */
class RuntimeDeploymentStateTest {

  static Deployment deployment(long generation, Long observed, int total, int updated, int ready) {
    return new DeploymentBuilder().withNewMetadata().withName("runtime").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(1).endSpec()
        .withNewStatus().withObservedGeneration(observed).withReplicas(total).withUpdatedReplicas(updated)
        .withReadyReplicas(ready).endStatus().build();
  }

  @Test
  void allPodsOnTheCurrentSpecAndReady() {
    assertThat(RuntimeDeploymentState.of(Optional.of(deployment(2, 2L, 1, 1, 1))).rolledOut(1)).isTrue();
  }

  @Test
  void readyOldPodsDoNotCountOnceTheSpecChanged() {
    RuntimeDeploymentState stale = RuntimeDeploymentState.of(Optional.of(deployment(3, 2L, 1, 1, 1)));
    assertThat(stale.rolledOut(1)).as("the controller has not seen generation 3 yet").isFalse();
    assertThat(stale.waitingFor(1)).contains("Deployment controller");

    RuntimeDeploymentState surging = RuntimeDeploymentState.of(Optional.of(deployment(3, 3L, 2, 1, 1)));
    assertThat(surging.rolledOut(1)).as("an old pod is still there").isFalse();
    assertThat(surging.waitingFor(1)).isEqualTo("rolling out the runtime: 1 of 1 pods updated, 1 ready, 1 old pods left");
  }

  @Test
  void aNewDeploymentWaitsForItsPods() {
    RuntimeDeploymentState fresh = RuntimeDeploymentState.of(Optional.of(new DeploymentBuilder().withNewMetadata()
        .withGeneration(1L).endMetadata().withNewStatus().endStatus().build()));
    assertThat(fresh.rolledOut(1)).isFalse();
    assertThat(fresh.waitingFor(1)).isEqualTo("waiting for runtime pods: 0 of 1 ready");
    assertThat(RuntimeDeploymentState.of(Optional.empty()).rolledOut(1)).isFalse();
  }
}
