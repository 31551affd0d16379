package dev.tenantry.e2e.hibernation;

import static dev.tenantry.e2e.InProcessPlatform.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Hibernation;
import dev.tenantry.crds.tenant.HibernationSchedule;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.e2e.InProcessPlatform;
import dev.tenantry.e2e.LocalRuntimes;
import dev.tenantry.e2e.TenantUsers;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernation on a real API server, with the operator running as its ServiceAccount and each
 * runtime a real process that a small kubelet ({@link LocalRuntimes#follow}) starts and stops as
 * the operator scales its Deployment: calls keep a tenant awake, silence puts it to sleep after
 * {@code idleAfter} (the operator asks the runtime's own activity clock over gRPC), a wake
 * request brings it back with its data and a timed wake, an admin can put it to sleep, a
 * scheduled window keeps it asleep whatever asks, and a suspended tenant is never woken.
 */
@WithKubeApiServer(controllers = {"namespace"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantHibernationTest {

  Path work;
  KubernetesClient admin;
  LocalRuntimes runtimes;
  TenantUsers users;
  InProcessPlatform platform;
  String projectMadeBeforeSleep;

  @BeforeAll
  void startPlatform(KubeApiServer server, KubernetesClient client, @TempDir Path work) throws Exception {
    this.work = work;
    admin = client;
    platform = InProcessPlatform.start(server, client, work, Map.of());
    runtimes = platform.runtimes();
    users = platform.users();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void callsKeepATenantAwakeAndSilenceLongerThanIdleAfterPutsItToSleep() throws Exception {
    platform.createTenant("sleepy", StorageType.Embedded, new Hibernation("PT20S", null));
    runtimes.follow("sleepy");
    Tenant ready = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(condition(ready, "Awake").getStatus()).isEqualTo("True");
    assertThat(condition(ready, "Awake").getReason()).isEqualTo("Active");
    projectMadeBeforeSleep = createProject("sleepy", "Made before the sleep");

    // a call every 5 s for 35 s: past the 20 s deadline the operator asks, sees the calls, waits on
    Instant busyUntil = Instant.now().plusSeconds(35);
    while (Instant.now().isBefore(busyUntil)) {
      assertThat(users.call("sleepy", "GET", "/api/v1/projects", null).statusCode()).isEqualTo(200);
      assertThat(phase("sleepy")).isEqualTo(Phase.Ready);
      Thread.sleep(5000);
    }
    Instant lastCall = Instant.now();
    assertThat(users.call("sleepy", "GET", "/api/v1/projects", null).statusCode()).isEqualTo(200);

    Tenant asleep = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Hibernated);
    Condition awake = condition(asleep, "Awake");
    assertThat(awake.getStatus()).isEqualTo("False");
    assertThat(awake.getReason()).isEqualTo("Idle");
    assertThat(condition(asleep, "Ready").getReason()).isEqualTo("Hibernated");
    var hibernation = asleep.getStatus().getHibernation();
    assertThat(Instant.parse(hibernation.getLastActivity())).isAfterOrEqualTo(lastCall.minusSeconds(1));
    assertThat(Instant.parse(hibernation.getHibernatedAt()))
        .isAfterOrEqualTo(Instant.parse(hibernation.getLastActivity()).plusSeconds(20));
    assertThat(deployment("sleepy").getSpec().getReplicas()).isZero();
    await().until(() -> !runtimes.isRunning("sleepy"));
  }

  @Test
  @Order(2)
  void aWakeRequestBringsItBackWithItsDataAndTheWakeIsTimed() throws Exception {
    Instant asked = Instant.now();
    annotate("sleepy", Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, asked.toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, "admin"));
    Tenant woken = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(condition(woken, "Awake").getReason()).isEqualTo("WokenByAdmin");
    var wake = woken.getStatus().getHibernation().getLastWake();
    assertThat(wake.getTrigger()).isEqualTo("admin");
    assertThat(Instant.parse(wake.getAt())).isEqualTo(asked.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(wake.getDurationMs()).isPositive().isLessThan(Duration.ofMinutes(3).toMillis());
    assertThat(woken.getStatus().getHibernation().getHibernatedAt()).isNull();
    assertThat(deployment("sleepy").getSpec().getReplicas()).isPositive();
    HttpResponse<String> projects = users.call("sleepy", "GET", "/api/v1/projects", null);
    assertThat(projects.statusCode()).isEqualTo(200);
    assertThat(projects.body()).contains(projectMadeBeforeSleep).contains("Made before the sleep");
  }

  @Test
  @Order(3)
  void anAdminPutsItToSleepAtOnceAndARequestWakesIt() {
    annotate("sleepy", Map.of(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, Instant.now().toString()));
    Tenant asleep = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Hibernated);
    assertThat(condition(asleep, "Awake").getReason()).isEqualTo("Requested");
    await().until(() -> !runtimes.isRunning("sleepy"));

    annotate("sleepy", Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, Instant.now().toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, "request"));
    Tenant woken = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Ready);
    assertThat(condition(woken, "Awake").getReason()).isEqualTo("WokenByRequest");
    assertThat(woken.getStatus().getHibernation().getLastWake().getTrigger()).isEqualTo("request");
  }

  @Test
  @Order(4)
  void aSuspendedTenantIsNeverWokenAndNeverShownAsHibernated() {
    annotate("sleepy", Map.of(TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, Instant.now().toString()));
    platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Hibernated);
    await().until(() -> !runtimes.isRunning("sleepy"));
    admin.resources(Tenant.class).withName("sleepy").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"suspended\":true}}");
    Tenant suspended = platform.awaitTenant("sleepy", t -> t.getStatus().getPhase() == Phase.Suspended);
    assertThat(condition(suspended, "Awake").getReason()).isEqualTo("Suspended");
    assertThat(suspended.getStatus().getHibernation().getHibernatedAt()).isNull();

    annotate("sleepy", Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, Instant.now().toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, "request"));
    // the wake request is seen (the annotation changes reconcile) and refused: still suspended, no pod
    await().until(() -> admin.resources(Tenant.class).withName("sleepy").get().getMetadata().getAnnotations()
        .containsKey(TenantryApi.WAKE_TRIGGER_ANNOTATION));
    Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() ->
        phase("sleepy") == Phase.Suspended && deployment("sleepy").getSpec().getReplicas() == 0);
    assertThat(runtimes.isRunning("sleepy")).isFalse();
  }

  @Test
  @Order(5)
  void inAScheduledWindowItSleepsFromTheStartAndAWakeRequestWaitsForTheWindowToClose() {
    // opened this minute, closes next New Year
    platform.createTenant("nightly", StorageType.Embedded,
        new Hibernation(null, new HibernationSchedule("* * * * *", "0 0 1 1 *", "UTC")));
    Tenant asleep = platform.awaitTenant("nightly", t -> t.getStatus().getPhase() == Phase.Hibernated);
    assertThat(condition(asleep, "Awake").getReason()).isEqualTo("Scheduled");
    assertThat(asleep.getStatus().getHibernation().getScheduledUntil()).endsWith("-01-01T00:00:00Z");
    assertThat(deployment("nightly").getSpec().getReplicas()).isZero();

    annotate("nightly", Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, Instant.now().toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, "request"));
    Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() ->
        phase("nightly") == Phase.Hibernated && deployment("nightly").getSpec().getReplicas() == 0);
  }

  @Test
  @Order(6)
  void aScheduleTheOperatorCannotReadIsToldOnTheTenantWhichStaysAwake() {
    platform.createTenant("lost", StorageType.Embedded,
        new Hibernation(null, new HibernationSchedule("0 20 * * *", "0 7 * * *", "Mars/Olympus")));
    Tenant tenant = platform.awaitTenant("lost", t -> t.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Awake")));
    Condition awake = condition(tenant, "Awake");
    assertThat(awake.getReason()).isEqualTo("InvalidHibernation");
    assertThat(awake.getMessage()).contains("timeZone 'Mars/Olympus'");
    await().until(() -> deployment("lost") != null);
    assertThat(deployment("lost").getSpec().getReplicas()).isPositive();
  }

  String createProject(String tenant, String name) throws Exception {
    HttpResponse<String> created = users.call(tenant, "POST", "/api/v1/projects", Map.of("name", name));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).path("id").asText();
  }

  /** As kubectl annotate does: a merge patch, which the operator's status writes cannot conflict with. */
  void annotate(String tenant, Map<String, String> annotations) {
    admin.resources(Tenant.class).withName(tenant).patch(PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations))));
  }

  Phase phase(String name) {
    return admin.resources(Tenant.class).withName(name).get().getStatus().getPhase();
  }

  Deployment deployment(String tenant) {
    return admin.apps().deployments().inNamespace(TenantryApi.namespaceOf(tenant)).withName(TenantryApi.RUNTIME_SERVICE)
        .get();
  }

  static Condition condition(Tenant tenant, String type) {
    return tenant.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + tenant.getStatus().getConditions()));
  }
}
