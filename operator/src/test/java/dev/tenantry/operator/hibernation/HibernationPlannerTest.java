package dev.tenantry.operator.hibernation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.plan.TenantPlanSpec;
import dev.tenantry.crds.tenant.Hibernation;
import dev.tenantry.crds.tenant.HibernationSchedule;
import dev.tenantry.crds.tenant.HibernationStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.crds.tenant.WakeRecord;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a tenant sleeps and wakes, decided without a cluster. */
class HibernationPlannerTest {
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  static final Optional<Hibernation> IDLE_15M = Optional.of(new Hibernation("PT15M", null));
  final AtomicInteger asked = new AtomicInteger();

  HibernationPlanner.RuntimeActivity lastCallAt(Instant at) {
    return tenant -> {
      asked.incrementAndGet();
      return at;
    };
  }

  static final HibernationPlanner.RuntimeActivity NOT_ASKED = tenant -> {
    throw new AssertionError("the runtime must not be asked");
  };

  @Test
  void aTenantWithoutHibernationIsAwakeWithoutACondition() {
    var decision = HibernationPlanner.decide(tenant(null, Map.of()), Optional.empty(), NOW, true, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.hasCondition()).isFalse();
    assertThat(decision.status()).isEmpty();
    assertThat(decision.recheckAt()).isEmpty();
  }

  @Test
  void aTenantWhoseRuntimeWasNeverAskedShowsItsConditionButNoEmptyRecord() {
    var starting = HibernationPlanner.decide(tenant(null, Map.of()), IDLE_15M, NOW, false, NOT_ASKED);
    assertThat(starting.awake()).isTrue();
    assertThat(starting.hasCondition()).isTrue();
    assertThat(starting.status()).isEmpty();
  }

  @Test
  void silenceLongerThanIdleAfterPutsItToSleepAndActivityKeepsItAwake() {
    var idle = HibernationPlanner.decide(tenant(null, Map.of()), IDLE_15M, NOW, true,
        lastCallAt(NOW.minus(Duration.ofMinutes(20))));
    assertThat(idle.asleep()).isTrue();
    assertThat(idle.reason()).isEqualTo(HibernationPlanner.IDLE);
    assertThat(idle.awake()).isFalse();
    assertThat(idle.status().orElseThrow().getHibernatedAt()).isEqualTo("2026-12-02T12:00:00Z");
    assertThat(idle.status().orElseThrow().getLastActivity()).isEqualTo("2026-12-02T11:40:00Z");
    assertThat(idle.message()).contains("idle since 2026-12-02T11:40:00Z");

    var busy = HibernationPlanner.decide(tenant(null, Map.of()), IDLE_15M, NOW, true,
        lastCallAt(NOW.minus(Duration.ofMinutes(5))));
    assertThat(busy.asleep()).isFalse();
    assertThat(busy.reason()).isEqualTo(HibernationPlanner.ACTIVE);
    assertThat(busy.recheckAt()).contains(Instant.parse("2026-12-02T12:10:00Z"));
  }

  @Test
  void theRuntimeIsAskedOnlyOnceTheIdleDeadlineTheStatusShowsHasPassed() {
    HibernationStatus seen = new HibernationStatus();
    seen.setLastActivity("2026-12-02T11:55:00Z");
    var decision = HibernationPlanner.decide(tenant(seen, Map.of()), IDLE_15M, NOW, true, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.recheckAt()).contains(Instant.parse("2026-12-02T12:10:00Z"));
  }

  @Test
  void aRuntimeThatIsNotReadyIsNeitherAskedNorPutToSleep() {
    var decision = HibernationPlanner.decide(tenant(null, Map.of()), IDLE_15M, NOW, false, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.recheckAt()).isEmpty();
  }

  @Test
  void aRuntimeThatCannotBeAskedStaysAwakeAndIsAskedAgainSoon() {
    var decision = HibernationPlanner.decide(tenant(null, Map.of()), IDLE_15M, NOW, true, tenant -> {
      throw new IllegalStateException("UNAVAILABLE connection refused");
    });
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.message()).contains("could not be asked").contains("connection refused");
    assertThat(decision.recheckAt()).contains(NOW.plus(HibernationPlanner.RETRY_ASKING));
  }

  @Test
  void aWakeRequestAfterItFellAsleepWakesItAndTheWakeIsTimedWhenTheRuntimeAnswers() {
    HibernationStatus asleep = asleep("2026-12-02T11:00:00Z", HibernationPlanner.IDLE);
    Map<String, String> request = Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T11:59:58Z",
        TenantryApi.WAKE_TRIGGER_ANNOTATION, "request");

    var waking = HibernationPlanner.decide(tenant(asleep, request), IDLE_15M, NOW, false, NOT_ASKED);
    assertThat(waking.asleep()).isFalse();
    assertThat(waking.awake()).isTrue();
    assertThat(waking.reason()).isEqualTo(HibernationPlanner.WOKEN_BY_REQUEST);
    assertThat(waking.message()).contains("waking");
    WakeRecord wake = waking.status().orElseThrow().getLastWake();
    assertThat(wake.getAt()).isEqualTo("2026-12-02T11:59:58Z");
    assertThat(wake.getTrigger()).isEqualTo("request");
    assertThat(wake.getDurationMs()).isNull();
    assertThat(waking.status().orElseThrow().getHibernatedAt()).isNull();

    var ready = HibernationPlanner.decide(tenant(waking.status().get(), request), IDLE_15M, NOW.plusMillis(1500),
        true, NOT_ASKED);
    assertThat(ready.status().orElseThrow().getLastWake().getDurationMs()).isEqualTo(3500L);
    assertThat(ready.reason()).isEqualTo(HibernationPlanner.WOKEN_BY_REQUEST);
    // idle counts from when the wake finished, not from the call before the sleep nor the slow start
    assertThat(ready.recheckAt()).contains(Instant.parse("2026-12-02T12:15:01.500Z"));
  }

  @Test
  void aWakeSlowerThanIdleAfterDoesNotPutItStraightBackToSleep() {
    HibernationStatus woken = new HibernationStatus();
    woken.setLastActivity("2026-12-02T10:40:00Z");
    woken.setLastWake(new WakeRecord("2026-12-02T11:59:00Z", null, "request"));
    // the runtime took 60 s to start on a busy node; its clock starts with the process, 10 s after the request
    var decision = HibernationPlanner.decide(tenant(woken, Map.of()), Optional.of(new Hibernation("PT30S", null)), NOW,
        true, lastCallAt(Instant.parse("2026-12-02T11:59:10Z")));
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.status().orElseThrow().getLastWake().getDurationMs()).isEqualTo(60_000L);
    assertThat(decision.recheckAt()).contains(Instant.parse("2026-12-02T12:00:30Z"));
  }

  @Test
  void aFirstStartSlowerThanIdleAfterDoesNotPutItStraightToSleep() {
    Tenant fresh = tenant(null, Map.of());
    fresh.getStatus().setConditions(new java.util.ArrayList<>());
    // the runtime's clock started 25 s ago, with the process; this reconcile is the first to see it ready
    var decision = HibernationPlanner.decide(fresh, Optional.of(new Hibernation("PT20S", null)), NOW, true,
        lastCallAt(NOW.minusSeconds(25)));
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.recheckAt()).contains(NOW.plusSeconds(20));
  }

  @Test
  void aWakeRequestFromBeforeTheSleepIsSpent() {
    HibernationStatus asleep = asleep("2026-12-02T11:00:00Z", HibernationPlanner.IDLE);
    var decision = HibernationPlanner.decide(tenant(asleep,
        Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T10:00:00Z")), IDLE_15M, NOW, false, NOT_ASKED);
    assertThat(decision.asleep()).isTrue();
    assertThat(decision.reason()).isEqualTo(HibernationPlanner.IDLE);
    assertThat(decision.status().orElseThrow().getHibernatedAt()).isEqualTo("2026-12-02T11:00:00Z");
  }

  @Test
  void anAdminsWakeAndHibernateRequestsAreHonouredOnceEach() {
    HibernationStatus awake = new HibernationStatus();
    awake.setLastWake(new WakeRecord("2026-12-02T11:00:00Z", 3000L, "admin"));
    awake.setLastActivity("2026-12-02T11:58:00Z");
    var hibernate = HibernationPlanner.decide(tenant(awake,
        Map.of(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, "2026-12-02T11:59:00Z")), Optional.empty(), NOW, true,
        NOT_ASKED);
    assertThat(hibernate.asleep()).isTrue();
    assertThat(hibernate.reason()).isEqualTo(HibernationPlanner.REQUESTED);

    // a hibernate request older than the last wake is spent
    var spent = HibernationPlanner.decide(tenant(awake,
        Map.of(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, "2026-12-02T10:59:00Z")), IDLE_15M, NOW, true, NOT_ASKED);
    assertThat(spent.asleep()).isFalse();
    assertThat(spent.reason()).isEqualTo(HibernationPlanner.WOKEN_BY_ADMIN);

    var woken = HibernationPlanner.decide(tenant(hibernate.status().get(),
        Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T12:05:00Z")), Optional.empty(),
        NOW.plus(Duration.ofMinutes(5)), false, NOT_ASKED);
    assertThat(woken.asleep()).isFalse();
    assertThat(woken.reason()).isEqualTo(HibernationPlanner.WOKEN_BY_ADMIN);
  }

  @Test
  void aResumedTenantDoesNotFallBackAsleepForAnOlderHibernateRequest() {
    // hibernated by request at 11:00, then suspended (which clears the sleep), then resumed at 11:30
    HibernationStatus resumed = new HibernationStatus();
    var decision = HibernationPlanner.decide(tenant(resumed, Map.of(
            TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, "2026-12-02T11:00:00Z",
            TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T11:30:00Z")),
        Optional.empty(), NOW, true, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
  }

  @Test
  void inItsScheduledWindowItSleepsWhateverItsTrafficAndWakesWhenTheWindowCloses() {
    Optional<Hibernation> nights = Optional.of(new Hibernation(null,
        new HibernationSchedule("0 20 * * *", "0 7 * * *", "Europe/Berlin")));
    // 22:00 in Berlin (UTC+1 in December)
    Instant night = Instant.parse("2026-12-02T21:00:00Z");
    var sleeping = HibernationPlanner.decide(tenant(null, Map.of()), nights, night, true, NOT_ASKED);
    assertThat(sleeping.asleep()).isTrue();
    assertThat(sleeping.reason()).isEqualTo(HibernationPlanner.SCHEDULED);
    assertThat(sleeping.status().orElseThrow().getScheduledUntil()).isEqualTo("2026-12-03T06:00:00Z");
    assertThat(sleeping.recheckAt()).contains(Instant.parse("2026-12-03T06:00:00Z"));

    var requested = HibernationPlanner.decide(tenant(sleeping.status().get(),
        Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T22:00:00Z")), nights,
        Instant.parse("2026-12-02T22:00:01Z"), false, NOT_ASKED);
    assertThat(requested.asleep()).isTrue();

    var morning = HibernationPlanner.decide(tenant(sleeping.status().get(), Map.of()), nights,
        Instant.parse("2026-12-03T06:00:02Z"), false, NOT_ASKED);
    assertThat(morning.asleep()).isFalse();
    assertThat(morning.reason()).isEqualTo(HibernationPlanner.WOKEN_BY_SCHEDULE);
    assertThat(morning.status().orElseThrow().getLastWake().getTrigger()).isEqualTo("schedule");
    assertThat(morning.recheckAt()).contains(Instant.parse("2026-12-03T19:00:00Z"));
  }

  @Test
  void aSuspendedTenantIsNeverHibernatedNorWoken() {
    Tenant tenant = tenant(asleep("2026-12-02T11:00:00Z", HibernationPlanner.IDLE),
        Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, "2026-12-02T11:30:00Z"));
    tenant.getSpec().setSuspended(true);
    var decision = HibernationPlanner.decide(tenant, IDLE_15M, NOW, false, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.awake()).isFalse();
    assertThat(decision.reason()).isEqualTo(HibernationPlanner.SUSPENDED);
    assertThat(decision.status().orElseThrow().getHibernatedAt()).isNull();
    assertThat(decision.status().orElseThrow().getLastWake()).isNull();
  }

  @Test
  void aScheduleItCannotReadIsReportedAndTheTenantStaysAwake() {
    var decision = HibernationPlanner.decide(tenant(null, Map.of()), Optional.of(new Hibernation(null,
        new HibernationSchedule("0 20 * * *", "0 7 * * *", "Mars/Olympus"))), NOW, true, NOT_ASKED);
    assertThat(decision.asleep()).isFalse();
    assertThat(decision.reason()).isEqualTo(HibernationPlanner.INVALID);
    assertThat(decision.message()).contains("timeZone 'Mars/Olympus'");

    var cron = HibernationPlanner.decide(tenant(null, Map.of()), Optional.of(new Hibernation(null,
        new HibernationSchedule("0 25 * * *", "0 7 * * *", null))), NOW, true, NOT_ASKED);
    assertThat(cron.reason()).isEqualTo(HibernationPlanner.INVALID);
    assertThat(cron.message()).contains("sleepAt '0 25 * * *'");
  }

  @Test
  void theTenantsOwnHibernationReplacesItsPlans() {
    TenantPlan plan = new TenantPlan();
    plan.setSpec(new TenantPlanSpec());
    plan.getSpec().setHibernation(new Hibernation("PT1H", null));
    Tenant tenant = tenant(null, Map.of());
    assertThat(HibernationPlanner.effective(tenant, plan)).contains(new Hibernation("PT1H", null));
    tenant.getSpec().setHibernation(new Hibernation("PT5M", null));
    assertThat(HibernationPlanner.effective(tenant, plan)).contains(new Hibernation("PT5M", null));
  }

  static HibernationStatus asleep(String since, String reason) {
    HibernationStatus status = new HibernationStatus();
    status.setHibernatedAt(since);
    status.setReason(reason);
    status.setLastActivity("2026-12-02T10:40:00Z");
    return status;
  }

  static Tenant tenant(HibernationStatus hibernation, Map<String, String> annotations) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName("acme").withAnnotations(annotations).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("pro");
    tenant.setSpec(spec);
    TenantStatus status = new TenantStatus();
    status.setHibernation(hibernation);
    // the runtime has answered since the morning
    status.setConditions(new java.util.ArrayList<>(java.util.List.of(new io.fabric8.kubernetes.api.model.ConditionBuilder()
        .withType("RuntimeReady").withStatus("True").withReason("RuntimeAvailable")
        .withLastTransitionTime("2026-12-02T08:00:00Z").build())));
    tenant.setStatus(status);
    return tenant;
  }
}
