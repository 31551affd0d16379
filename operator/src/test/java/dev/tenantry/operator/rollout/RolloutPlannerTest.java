package dev.tenantry.operator.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeDefaults;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.plan.TenantPlanSpec;
import dev.tenantry.crds.rollout.HealthGate;
import dev.tenantry.crds.rollout.RollbackPolicy;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.rollout.RolloutAction.Kind;
import dev.tenantry.operator.rollout.RolloutAction.PlanImage;
import dev.tenantry.operator.rollout.RolloutAction.TenantPatch;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The rollout's rules without a cluster: a small in-memory fleet takes each decision's patches,
 * reports tenants Ready (or not) as the Tenant controller would, and the next decision is made
 * from what results.
 */
class RolloutPlannerTest {
  static final String OLD = "tenantry/tenant-runtime:1.0.0";
  static final String NEW = "tenantry/tenant-runtime:1.1.0";

  final RolloutPlanner planner = new RolloutPlanner();

  @Test
  void defaultWavesMoveACanaryThenAQuarterThenTheRestInNameOrder() {
    Fleet fleet = new Fleet().tenants("free", 8);
    TenantRollout rollout = fleet.rollout("r1", spec(NEW));

    RolloutDecision first = fleet.decide(rollout);
    assertThat(moves(first)).containsExactly("t0");
    assertThat(first.status().getPhase()).isEqualTo(RolloutPhase.Progressing);
    assertThat(first.status().getWaves()).extracting(WaveStatus::getName, WaveStatus::getTotal, WaveStatus::getUpdated)
        .containsExactly(tuple("canary", 1, 1), tuple("quarter", 1, 0), tuple("everyone", 6, 0));
    assertThat(first.lookAgainIn()).contains(Duration.ofSeconds(HealthGate.DEFAULT_READY_TIMEOUT_SECONDS + 1));

    assertThat(moves(fleet.decide(rollout))).as("the canary is not Ready yet").isEmpty();
    fleet.reportReady("t0");
    RolloutDecision quarter = fleet.decide(rollout);
    assertThat(moves(quarter)).containsExactly("t1");
    assertThat(quarter.events()).extracting(RolloutDecision.Event::reason).contains("WavePassed", "WaveStarted");
    fleet.reportReady("t1");
    assertThat(moves(fleet.decide(rollout))).as("maxUnavailable 1 by default").containsExactly("t2");
  }

  @Test
  void movesAsManyAtOnceAsMaxUnavailableAllows() {
    Fleet fleet = new Fleet().tenants("free", 6);
    TenantRolloutSpec spec = spec(NEW);
    spec.setWaves(List.of(new Wave("all", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString("50%"));
    TenantRollout rollout = fleet.rollout("r1", spec);
    assertThat(moves(fleet.decide(rollout))).containsExactly("t0", "t1", "t2");
    fleet.reportReady("t1");
    assertThat(moves(fleet.decide(rollout))).containsExactly("t3");
  }

  @Test
  void pinnedTenantsAreNeverMovedAndAreListed() {
    Fleet fleet = new Fleet().tenants("free", 3);
    fleet.tenant("t0").getMetadata().getLabels().put(TenantryApi.PIN_LABEL, "true");
    RuntimeOverrides own = new RuntimeOverrides();
    own.setImage("tenantry/tenant-runtime:0.9.0");
    fleet.tenant("t1").getSpec().setRuntime(own);
    TenantRollout rollout = fleet.rollout("r1", spec(NEW));

    RolloutDecision decision = fleet.decide(rollout);
    assertThat(moves(decision)).containsExactly("t2");
    assertThat(decision.status().getPinned()).containsExactly("t0", "t1");
    assertThat(decision.status().getSelected()).isEqualTo(1);
  }

  @Test
  void aSucceededRolloutKeepsUnmovedTenantsOnTheirImageSetsThePlanAndReleasesTheMoved() {
    Fleet fleet = new Fleet().tenants("free", 3);
    fleet.tenant("t0").getMetadata().getLabels().put(TenantryApi.PIN_LABEL, "true");
    TenantRolloutSpec spec = spec(NEW);
    spec.setWaves(List.of(new Wave("all", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString(5));
    TenantRollout rollout = fleet.rollout("r1", spec);
    fleet.decide(rollout);
    fleet.reportReady("t1");
    fleet.reportReady("t2");

    RolloutDecision done = fleet.decide(rollout);
    assertThat(done.actions()).extracting(RolloutPlannerTest::describe)
        .as("the pinned tenant keeps the old image before the plan changes, then the moved ones are released")
        .containsExactly("FREEZE t0", "PLAN free", "RELEASE t1", "RELEASE t2");
    assertThat(done.status().getPhase()).isEqualTo(RolloutPhase.Succeeded);
    assertThat(done.status().condition(RolloutPlanner.COMPLETE).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(fleet.imageOf("t0")).isEqualTo(OLD);
    assertThat(fleet.imageOf("t1")).isEqualTo(NEW);
    assertThat(fleet.tenant("t1").getMetadata().getAnnotations()).doesNotContainKey(TenantryApi.IMAGE_ANNOTATION);
    assertThat(RuntimeImage.planImage(fleet.plans.get("free"))).isEqualTo(NEW);

    assertThat(fleet.decide(rollout).actions()).as("finished: nothing more").isEmpty();
  }

  @Test
  void aFailedGateRollsBackExactlyTheMovedTenants() {
    Fleet fleet = new Fleet().tenants("free", 4);
    TenantRollout rollout = fleet.rollout("r1", spec(NEW));
    fleet.decide(rollout);
    fleet.reportNotReady("t0", "WaitingForPods", "waiting for runtime pods: 0 of 1 ready");
    fleet.later(Duration.ofSeconds(HealthGate.DEFAULT_READY_TIMEOUT_SECONDS));

    RolloutDecision failed = fleet.decide(rollout);
    assertThat(failed.actions()).extracting(RolloutPlannerTest::describe).containsExactly("REVERT t0");
    assertThat(failed.status().getPhase()).isEqualTo(RolloutPhase.RollingBack);
    assertThat(failed.status().getFailures()).singleElement()
        .satisfies(f -> assertThat(f.getReason()).contains("not Ready on " + NEW).contains("0 of 1 ready"));
    assertThat(failed.events()).extracting(RolloutDecision.Event::reason).contains("GateFailed", "RollingBack");
    assertThat(fleet.imageOf("t0")).isEqualTo(OLD);

    assertThat(fleet.decide(rollout).actions()).as("t0's status does not show the old image yet").isEmpty();
    fleet.reportReady("t0");
    RolloutDecision rolledBack = fleet.decide(rollout);
    assertThat(rolledBack.actions()).extracting(RolloutPlannerTest::describe).containsExactly("RELEASE t0");
    assertThat(rolledBack.status().getPhase()).isEqualTo(RolloutPhase.RolledBack);
    assertThat(fleet.tenant("t0").getMetadata().getLabels()).doesNotContainKey(TenantryApi.ROLLOUT_LABEL);
    assertThat(RuntimeImage.planImage(fleet.plans.get("free"))).as("the plan is untouched").isEqualTo(OLD);
  }

  @Test
  void withoutAutomaticRollbackAFailedGateLeavesTheTenantsWhereTheyAre() {
    Fleet fleet = new Fleet().tenants("free", 2);
    TenantRolloutSpec spec = spec(NEW);
    spec.setRollback(new RollbackPolicy(false));
    TenantRollout rollout = fleet.rollout("r1", spec);
    fleet.decide(rollout);
    fleet.later(Duration.ofSeconds(HealthGate.DEFAULT_READY_TIMEOUT_SECONDS + 1));
    RolloutDecision failed = fleet.decide(rollout);
    assertThat(failed.actions()).isEmpty();
    assertThat(failed.status().getPhase()).isEqualTo(RolloutPhase.Failed);
    assertThat(fleet.imageOf("t0")).isEqualTo(NEW);

    rollout.getSpec().setAbort(true);
    assertThat(fleet.decide(rollout).actions()).extracting(RolloutPlannerTest::describe)
        .as("an abort still rolls a failed rollout back").containsExactly("REVERT t0");
  }

  @Test
  void maxFailuresLetsAWaveCarryOn() {
    Fleet fleet = new Fleet().tenants("free", 4);
    TenantRolloutSpec spec = spec(NEW);
    spec.setWaves(List.of(new Wave("all", new IntOrString("100%"))));
    spec.setHealthGate(new HealthGate(60, new IntOrString(1)));
    TenantRollout rollout = fleet.rollout("r1", spec);
    fleet.decide(rollout);
    fleet.later(Duration.ofSeconds(61));
    RolloutDecision next = fleet.decide(rollout);
    assertThat(next.status().getPhase()).isEqualTo(RolloutPhase.Progressing);
    assertThat(next.status().getFailed()).isEqualTo(1);
    assertThat(moves(next)).as("a failed tenant is not counted as moving").containsExactly("t1");
    assertThat(next.status().condition(RolloutPlanner.DEGRADED).orElseThrow().getStatus()).isEqualTo("True");
  }

  @Test
  void pauseStopsBeforeTheNextTenantAndSoakHoldsTheNextWave() {
    Fleet fleet = new Fleet().tenants("free", 4);
    TenantRolloutSpec spec = spec(NEW);
    spec.setSoakSeconds(120);
    TenantRollout rollout = fleet.rollout("r1", spec);
    fleet.decide(rollout);
    fleet.reportReady("t0");

    RolloutDecision soaking = fleet.decide(rollout);
    assertThat(moves(soaking)).isEmpty();
    assertThat(soaking.lookAgainIn()).contains(Duration.ofSeconds(121));
    assertThat(soaking.status().condition(RolloutPlanner.PROGRESSING).orElseThrow().getReason()).isEqualTo("Soaking");

    rollout.getSpec().setPaused(true);
    fleet.later(Duration.ofSeconds(121));
    RolloutDecision paused = fleet.decide(rollout);
    assertThat(moves(paused)).isEmpty();
    assertThat(paused.status().getPhase()).isEqualTo(RolloutPhase.Paused);

    rollout.getSpec().setPaused(false);
    assertThat(moves(fleet.decide(rollout))).containsExactly("t1");
  }

  @Test
  void aSecondRolloutOverTheSameTenantsWaitsForTheFirst() {
    Fleet fleet = new Fleet().tenants("free", 3);
    TenantRollout first = fleet.rollout("r1", spec(NEW));
    fleet.decide(first);
    TenantRollout second = fleet.rollout("r2", spec("tenantry/tenant-runtime:2.0.0"));
    second.getMetadata().setCreationTimestamp("2026-12-02T00:00:01Z");

    RolloutDecision waiting = fleet.decide(second);
    assertThat(waiting.actions()).isEmpty();
    assertThat(waiting.status().getPhase()).isEqualTo(RolloutPhase.Pending);
    assertThat(waiting.status().condition(RolloutPlanner.PROGRESSING).orElseThrow())
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("WaitingForRollout"))
        .satisfies(c -> assertThat(c.getMessage()).contains("'r1'").contains("t0"));
  }

  @Test
  void badInputIsReportedAndNothingMoves() {
    Fleet fleet = new Fleet().tenants("free", 3);
    TenantRolloutSpec spec = spec(NEW);
    spec.setSelector(new TenantSelector(List.of("gold"), null));
    spec.setWaves(List.of(new Wave("a", new IntOrString("ten")), new Wave("b", new IntOrString(0))));
    RolloutDecision invalid = fleet.decide(fleet.rollout("bad", spec));
    assertThat(invalid.actions()).isEmpty();
    assertThat(invalid.status().getPhase()).isEqualTo(RolloutPhase.Failed);
    assertThat(invalid.status().condition(RolloutPlanner.PROGRESSING).orElseThrow().getMessage())
        .contains("spec.waves[0].tenants: 'ten' is neither a count")
        .contains("spec.waves[1].tenants: a wave must take at least one tenant")
        .contains("spec.selector.plans: no TenantPlan [gold]");

    TenantRolloutSpec none = spec(NEW);
    none.setSelector(new TenantSelector(null, Map.of("tier", "gold")));
    RolloutDecision empty = fleet.decide(fleet.rollout("none", none));
    assertThat(empty.actions()).isEmpty();
    assertThat(empty.status().condition(RolloutPlanner.DEGRADED).orElseThrow().getReason()).isEqualTo("NoTenantsSelected");
  }

  @Test
  void aDeletedRolloutLeavesItsTenantsOnTheirImage() {
    Fleet fleet = new Fleet().tenants("free", 2);
    TenantRollout rollout = fleet.rollout("r1", spec(NEW));
    fleet.decide(rollout);
    List<RolloutAction> release = planner.releaseAll(fleet.facts(rollout));
    assertThat(release).extracting(RolloutPlannerTest::describe).containsExactly("RELEASE t0");
    fleet.apply(release);
    assertThat(fleet.imageOf("t0")).isEqualTo(NEW);
    assertThat(fleet.tenant("t0").getMetadata().getLabels()).doesNotContainKey(TenantryApi.ROLLOUT_LABEL);
  }

  // ------------------------------------------------------------------ the in-memory fleet

  /** Tenants and plans that take a decision's patches as the API server would, and a clock. */
  final class Fleet {
    final Map<String, Tenant> tenants = new TreeMap<>();
    final Map<String, TenantPlan> plans = new HashMap<>();
    final List<TenantRollout> rollouts = new ArrayList<>();
    Instant now = Instant.parse("2026-12-02T00:00:00Z");
    int version = 1;

    Fleet tenants(String plan, int count) {
      plans.computeIfAbsent(plan, Fleet::plan);
      for (int i = 0; i < count; i++) {
        Tenant tenant = new Tenant();
        tenant.setMetadata(new ObjectMetaBuilder().withName("t" + i).withGeneration(1L)
            .withResourceVersion(String.valueOf(version++)).withLabels(new HashMap<>()).build());
        TenantSpec spec = new TenantSpec();
        spec.setPlan(plan);
        tenant.setSpec(spec);
        tenants.put(tenant.getMetadata().getName(), tenant);
        reportReady(tenant.getMetadata().getName());
      }
      return this;
    }

    static TenantPlan plan(String name) {
      TenantPlan plan = new TenantPlan();
      plan.setMetadata(new ObjectMetaBuilder().withName(name).build());
      TenantPlanSpec spec = new TenantPlanSpec();
      RuntimeDefaults runtime = new RuntimeDefaults();
      runtime.setImage(OLD);
      spec.setRuntime(runtime);
      plan.setSpec(spec);
      return plan;
    }

    Tenant tenant(String name) {
      return tenants.get(name);
    }

    String imageOf(String name) {
      Tenant tenant = tenant(name);
      return RuntimeImage.of(tenant, plans.get(tenant.getSpec().getPlan()));
    }

    TenantRollout rollout(String name, TenantRolloutSpec spec) {
      TenantRollout rollout = new TenantRollout();
      rollout.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L)
          .withCreationTimestamp("2026-12-02T00:00:00Z").build());
      rollout.setSpec(spec);
      rollouts.add(rollout);
      return rollout;
    }

    RolloutFacts facts(TenantRollout rollout) {
      return new RolloutFacts(rollout, List.copyOf(tenants.values()), Map.copyOf(plans),
          rollouts.stream().filter(r -> r != rollout).toList(), now);
    }

    /** One reconcile: decide, make the writes, keep the status. */
    RolloutDecision decide(TenantRollout rollout) {
      RolloutDecision decision = planner.decide(facts(rollout));
      apply(decision.actions());
      rollout.setStatus(decision.status());
      return decision;
    }

    void apply(List<RolloutAction> actions) {
      for (RolloutAction action : actions) {
        if (action instanceof TenantPatch patch) {
          Tenant tenant = tenant(patch.tenant());
          assertThat(tenant.getMetadata().getResourceVersion()).as("patched at the version read")
              .isEqualTo(patch.resourceVersion());
          merge(tenant.getMetadata().getLabels(), patch.labels());
          Map<String, String> annotations = tenant.getMetadata().getAnnotations() == null ? new HashMap<>()
              : new HashMap<>(tenant.getMetadata().getAnnotations());
          merge(annotations, patch.annotations());
          tenant.getMetadata().setAnnotations(annotations);
          tenant.getMetadata().setResourceVersion(String.valueOf(version++));
        } else if (action instanceof PlanImage image) {
          plans.get(image.plan()).getSpec().getRuntime().setImage(image.image());
        }
      }
    }

    private static void merge(Map<String, String> target, Map<String, String> patch) {
      patch.forEach((key, value) -> {
        if (value == null) {
          target.remove(key);
        } else {
          target.put(key, value);
        }
      });
    }

    /** What the Tenant controller writes once the runtime runs its image. */
    void reportReady(String name) {
      report(name, true, "TenantReady", "tenant is ready");
    }

    void reportNotReady(String name, String reason, String message) {
      report(name, false, reason, message);
    }

    private void report(String name, boolean ready, String reason, String message) {
      Tenant tenant = tenant(name);
      TenantStatus status = new TenantStatus();
      status.setRuntime(new RuntimeStatus(imageOf(name), 1, ready ? 1 : 0));
      status.setConditions(List.of(new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
          .withReason(reason).withMessage(message).build()));
      tenant.setStatus(status);
      tenant.getMetadata().setResourceVersion(String.valueOf(version++));
    }

    void later(Duration duration) {
      now = now.plus(duration);
    }
  }

  static TenantRolloutSpec spec(String image) {
    TenantRolloutSpec spec = new TenantRolloutSpec();
    spec.setImage(image);
    return spec;
  }

  static List<String> moves(RolloutDecision decision) {
    return decision.actions().stream().filter(a -> a instanceof TenantPatch p && p.kind() == Kind.MOVE)
        .map(a -> ((TenantPatch) a).tenant()).toList();
  }

  static String describe(RolloutAction action) {
    return action instanceof TenantPatch patch ? patch.kind() + " " + patch.tenant()
        : "PLAN " + ((PlanImage) action).plan();
  }

  static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

}
