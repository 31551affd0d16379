package dev.tenantry.operator.rollout;

import static dev.tenantry.operator.OperatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.HealthGate;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.Kubectl;
import dev.tenantry.testkit.SimulatedRuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts on a real API server with the operator in-process. No kubelet runs here:
 * {@link SimulatedRuntimePods} reports each runtime Deployment's pods ready (or, for an image
 * named {@code ...:broken}, never ready), as the Deployment controller and a node would. A
 * watch on the Tenants records every state they pass through, so the rules are checked at
 * every moment, not only at the end.
 */
@WithKubeApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantRolloutTest {
  static final String OLD = "tenantry/tenant-runtime:0.1.0";
  static final String NEW = "tenantry/tenant-runtime:0.2.0";
  static final String BROKEN = "tenantry/tenant-runtime:broken";

  TenantryOperator operator;
  SimulatedRuntimePods pods;
  FleetWatch watch;

  @BeforeAll
  void start(KubernetesClient client) {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    pods = SimulatedRuntimePods.start(client, image -> !image.endsWith(":broken"));
    operator = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC());
  }

  @AfterAll
  void stop(KubernetesClient client) {
    try {
      client.resources(TenantRollout.class).delete();
      client.resources(Tenant.class).delete();
      await().until(() -> client.resources(Tenant.class).list().getItems().isEmpty());
    } finally {
      operator.close();
      pods.close();
    }
  }

  @BeforeEach
  void watchTenants(KubernetesClient client) {
    watch = new FleetWatch(client);
  }

  @AfterEach
  void stopWatching() {
    watch.close();
  }

  @Test
  void wavesRunInOrderWithinMaxUnavailableAndThePlanFollowsOnSuccess(KubernetesClient client, KubeApiServer server,
      @TempDir Path dir) {
    List<String> tenants = fleet(client, "waves", 6);
    TenantRolloutSpec spec = spec(NEW, "waves");
    spec.setWaves(List.of(new Wave("canary", new IntOrString(1)), new Wave("half", new IntOrString("50%")),
        new Wave("rest", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString(2));
    spec.setSoakSeconds(2);
    client.resource(rollout("waves-r1", spec)).create();
    Tenant moving = await().until(() -> client.resources(Tenant.class).withName(tenants.get(0)).get(),
        t -> t.getStatus() != null && t.getStatus().getRuntime() != null && NEW.equals(t.getStatus().getRuntime().getImage()));
    assertThat(moving.getStatus().getRuntime().getRollout()).as("the tenant's status names the rollout moving it")
        .isEqualTo("waves-r1");

    Kubectl.Result wait = new Kubectl(server.writeKubeConfig(dir.resolve("kubeconfig")))
        .run("", "wait", "--for=condition=Complete", "tnr/waves-r1", "--timeout=55s");
    assertThat(wait.succeeded()).as(wait.stderr()).isTrue();
    assertThat(wait.stdout()).contains("condition met");
    TenantRollout done = waitForPhase(client, "waves-r1", RolloutPhase.Succeeded);
    assertThat(done.getStatus().condition("Complete").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(done.getStatus().getWaves()).extracting(WaveStatus::getName, WaveStatus::getTotal, WaveStatus::getUpdated,
            WaveStatus::getReady)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("canary", 1, 1, 1),
            org.assertj.core.groups.Tuple.tuple("half", 2, 2, 2), org.assertj.core.groups.Tuple.tuple("rest", 3, 3, 3));
    WaveStatus canary = done.getStatus().getWaves().get(0);
    WaveStatus half = done.getStatus().getWaves().get(1);
    assertThat(Instant.parse(half.getStartedAt())).as("the soak after the canary")
        .isAfterOrEqualTo(Instant.parse(canary.getHealthyAt()).plusSeconds(2));

    assertThat(watch.moveOrder("waves-r1")).as("tenants are moved in name order, each once").isEqualTo(tenants);
    assertThat(watch.mostMovingAtOnce("waves-r1", NEW)).as("never more than maxUnavailable moving").isBetween(1, 2);
    assertThat(watch.firstMoveAfterReady("waves-r1", NEW, tenants.get(0), tenants.get(1)))
        .as("the second wave started after the canary was Ready").isTrue();

    assertThat(RuntimeImage.planImage(client.resources(TenantPlan.class).withName("waves").get())).isEqualTo(NEW);
    for (String tenant : tenants) {
      Tenant t = client.resources(Tenant.class).withName(tenant).get();
      assertThat(t.getMetadata().getLabels()).doesNotContainKey(TenantryApi.ROLLOUT_LABEL);
      assertThat(runtimeImage(client, tenant)).isEqualTo(NEW);
    }
    await().until(() -> client.resources(Tenant.class).withName(tenants.get(5)).get().getStatus().getRuntime().getRollout() == null);
    assertThat(eventReasons(client, "waves-r1")).contains("WaveStarted", "WavePassed", "Succeeded");
  }

  @Test
  void aFailingCanaryRollsBackAndNoOtherTenantIsTouchedPinnedOnesNever(KubernetesClient client) {
    List<String> tenants = fleet(client, "gate", 4);
    client.resources(Tenant.class).withName(tenants.get(0)).edit(t -> {
      t.getMetadata().getLabels().put(TenantryApi.PIN_LABEL, "true");
      return t;
    });
    TenantRolloutSpec spec = spec(BROKEN, "gate");
    spec.setHealthGate(new HealthGate(3, new IntOrString(0)));
    client.resource(rollout("gate-r1", spec)).create();

    TenantRollout rolledBack = waitForPhase(client, "gate-r1", RolloutPhase.RolledBack);
    assertThat(rolledBack.getStatus().getPinned()).containsExactly(tenants.get(0));
    assertThat(rolledBack.getStatus().getFailures()).singleElement().satisfies(f -> {
      assertThat(f.getTenant()).isEqualTo(tenants.get(1));
      assertThat(f.getReason()).contains("not Ready on " + BROKEN);
    });
    assertThat(rolledBack.getStatus().condition("Degraded").orElseThrow().getReason()).isEqualTo("GateFailed");
    assertThat(watch.moveOrder("gate-r1")).as("only the canary was moved").containsExactly(tenants.get(1));
    assertThat(watch.everLabelled(tenants.get(0))).as("the pinned tenant").isFalse();
    await().until(() -> OLD.equals(runtimeImage(client, tenants.get(1))));
    Tenant canary = await().until(() -> client.resources(Tenant.class).withName(tenants.get(1)).get(),
        t -> t.getStatus().getPhase() == Phase.Ready && OLD.equals(t.getStatus().getRuntime().getImage()));
    assertThat(canary.getMetadata().getLabels()).doesNotContainKey(TenantryApi.ROLLOUT_LABEL);
    assertThat(RuntimeImage.planImage(client.resources(TenantPlan.class).withName("gate").get()))
        .as("the plan changes only on success").isEqualTo(OLD);
    assertThat(eventReasons(client, "gate-r1")).contains("GateFailed", "RollingBack", "RolledBack");
  }

  @Test
  void pauseStopsBeforeTheNextTenantAndResumeCarriesOn(KubernetesClient client) {
    List<String> tenants = fleet(client, "pause", 3);
    tenants.forEach(pods::hold);
    TenantRolloutSpec spec = spec(NEW, "pause");
    spec.setWaves(List.of(new Wave("all", new IntOrString("100%"))));
    client.resource(rollout("pause-r1", spec)).create();
    await().until(() -> watch.moveOrder("pause-r1").size() == 1);
    client.resources(TenantRollout.class).withName("pause-r1").edit(r -> {
      r.getSpec().setPaused(true);
      return r;
    });
    pods.release(tenants.get(0));
    TenantRollout paused = await().until(() -> client.resources(TenantRollout.class).withName("pause-r1").get(),
        r -> r.getStatus() != null && r.getStatus().getPhase() == RolloutPhase.Paused
            && r.getStatus().getWaves().get(0).getReady() == 1);
    assertThat(paused.getStatus().getUpdated()).as("nothing moved after the pause, though a slot was free").isEqualTo(1);
    assertThat(watch.moveOrder("pause-r1")).containsExactly(tenants.get(0));

    tenants.forEach(pods::release);
    client.resources(TenantRollout.class).withName("pause-r1").edit(r -> {
      r.getSpec().setPaused(false);
      return r;
    });
    waitForPhase(client, "pause-r1", RolloutPhase.Succeeded);
    assertThat(watch.moveOrder("pause-r1")).isEqualTo(tenants);
  }

  @Test
  void aSecondRolloutOverTheSameTenantsWaitsUntilTheFirstIsDone(KubernetesClient client) {
    List<String> tenants = fleet(client, "overlap", 2);
    pods.hold(tenants.get(0));
    client.resource(rollout("overlap-r1", spec(NEW, "overlap"))).create();
    await().until(() -> watch.moveOrder("overlap-r1").size() == 1);
    client.resource(rollout("overlap-r2", spec("tenantry/tenant-runtime:0.3.0", "overlap"))).create();

    TenantRollout waiting = await().until(() -> client.resources(TenantRollout.class).withName("overlap-r2").get(),
        r -> r.getStatus() != null && r.getStatus().getPhase() == RolloutPhase.Pending);
    assertThat(waiting.getStatus().condition("Progressing").orElseThrow())
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("WaitingForRollout"))
        .satisfies(c -> assertThat(c.getMessage()).contains("overlap-r1"));

    pods.release(tenants.get(0));
    waitForPhase(client, "overlap-r1", RolloutPhase.Succeeded);
    waitForPhase(client, "overlap-r2", RolloutPhase.Succeeded);
    assertThat(watch.moveOrder("overlap-r2")).as("the second one ran after the first").isEqualTo(tenants);
    assertThat(runtimeImage(client, tenants.get(1))).isEqualTo("tenantry/tenant-runtime:0.3.0");
  }

  @Test
  void aRestartedOperatorCarriesOnWithoutMovingAnyoneTwice(KubernetesClient client) {
    List<String> tenants = fleet(client, "restart", 4);
    tenants.forEach(pods::hold);
    TenantRolloutSpec spec = spec(NEW, "restart");
    spec.setWaves(List.of(new Wave("all", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString(2));
    client.resource(rollout("restart-r1", spec)).create();
    await().until(() -> watch.moveOrder("restart-r1").size() == 2);

    operator.close();
    pods.release(tenants.get(0));
    operator = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC());
    await().until(() -> watch.moveOrder("restart-r1").size() == 3);
    tenants.forEach(pods::release);

    waitForPhase(client, "restart-r1", RolloutPhase.Succeeded);
    assertThat(watch.moveOrder("restart-r1")).as("each tenant moved exactly once, in order").isEqualTo(tenants);
  }

  @Test
  void badInputIsRefusedOrReportedAndNothingMoves(KubernetesClient client) {
    List<String> tenants = fleet(client, "bad", 1);
    ResourceDefinitionContext rollouts = new ResourceDefinitionContext.Builder().withGroup(TenantryApi.GROUP)
        .withVersion(TenantryApi.VERSION).withPlural("tenantrollouts").withKind("TenantRollout").withNamespaced(false)
        .build();
    assertThatThrownBy(() -> client.genericKubernetesResources(rollouts).resource(rawRollout("no-tag",
        Map.of("image", "tenantry/tenant-runtime"))).create())
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.image");
    assertThatThrownBy(() -> client.genericKubernetesResources(rollouts).resource(rawRollout("no-image",
        Map.of("waves", List.of(Map.of("tenants", 1))))).create())
        .hasMessageContaining("spec.image: Required value");

    TenantRolloutSpec malformed = spec(NEW, "bad");
    malformed.setWaves(List.of(new Wave("a", new IntOrString("half"))));
    client.resource(rollout("bad-waves", malformed)).create();
    TenantRolloutSpec unknownPlan = spec(NEW, "no-such-plan");
    client.resource(rollout("bad-plan", unknownPlan)).create();
    TenantRolloutSpec nobody = spec(NEW, "bad");
    nobody.getSelector().setMatchLabels(Map.of("tier", "gold"));
    client.resource(rollout("bad-nobody", nobody)).create();

    assertThat(waitForPhase(client, "bad-waves", RolloutPhase.Failed).getStatus().condition("Progressing").orElseThrow()
        .getMessage()).contains("spec.waves[0].tenants: 'half' is neither a count");
    assertThat(waitForPhase(client, "bad-plan", RolloutPhase.Failed).getStatus().condition("Progressing").orElseThrow()
        .getMessage()).contains("no TenantPlan [no-such-plan]");
    assertThat(waitForPhase(client, "bad-nobody", RolloutPhase.Failed).getStatus().condition("Degraded").orElseThrow()
        .getReason()).isEqualTo("NoTenantsSelected");
    assertThat(watch.everLabelled(tenants.get(0))).isFalse();
    assertThat(runtimeImage(client, tenants.get(0))).isEqualTo(OLD);
  }

  // ------------------------------------------------------------------ fixtures

  /** A plan of its own (a copy of the example 'free' plan) and {@code count} Ready tenants on it. */
  static List<String> fleet(KubernetesClient client, String plan, int count) {
    TenantPlan free = client.resources(TenantPlan.class).withName("free").get();
    TenantPlan copy = new TenantPlan();
    copy.setMetadata(new ObjectMetaBuilder().withName(plan).build());
    copy.setSpec(free.getSpec());
    client.resource(copy).create();
    List<String> names = IntStream.range(0, count).mapToObj(i -> plan + "-" + i).toList();
    for (String name : names) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(new HashMap<>()).build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan(plan);
      tenant.setSpec(spec);
      client.resource(tenant).create();
    }
    for (String name : names) {
      await().until(() -> client.resources(Tenant.class).withName(name).get(),
          t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);
    }
    return names;
  }

  static TenantRolloutSpec spec(String image, String plan) {
    TenantRolloutSpec spec = new TenantRolloutSpec();
    spec.setImage(image);
    spec.setSelector(new TenantSelector(List.of(plan), null));
    return spec;
  }

  static TenantRollout rollout(String name, TenantRolloutSpec spec) {
    TenantRollout rollout = new TenantRollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).build());
    rollout.setSpec(spec);
    return rollout;
  }

  static GenericKubernetesResource rawRollout(String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder().withApiVersion(TenantryApi.API_VERSION).withKind("TenantRollout")
        .withNewMetadata().withName(name).endMetadata().addToAdditionalProperties("spec", spec).build();
  }

  static TenantRollout waitForPhase(KubernetesClient client, String name, RolloutPhase phase) {
    return await().atMost(java.time.Duration.ofSeconds(90))
        .until(() -> client.resources(TenantRollout.class).withName(name).get(),
            r -> r.getStatus() != null && r.getStatus().getPhase() == phase);
  }

  static String runtimeImage(KubernetesClient client, String tenant) {
    Deployment deployment = client.apps().deployments().inNamespace("tenant-" + tenant).withName("runtime").get();
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  static List<String> eventReasons(KubernetesClient client, String rollout) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "TenantRollout".equals(e.getInvolvedObject().getKind()) && rollout.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason).toList();
  }
}
