package dev.tenantry.controlapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.controlapi.ControlApiTestSupport.Recorder;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupStatus;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Backups, restores and schedules through the control API on a real API server: REST and
 * GraphQL write the resources the operator carries out (refusals name their field and write
 * nothing), reads show the status the operator writes (here written as the operator would),
 * and a backup's progress arrives on the provisioning socket.
 */
@SpringBootTest(classes = ControlApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "tenantry.heartbeat=1s"})
@ControlApiTestSupport.OnKubeApiServer
@DirtiesContext
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class BackupApiTest {
  @LocalServerPort
  int port;

  @Autowired
  KubernetesClient client;

  @Autowired
  PlatformKeys keys;

  WebTestClient http;
  String admin;
  String viewer;

  @BeforeAll
  void tenants() {
    for (String name : List.of("bk-acme", "bk-globex")) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      client.resource(tenant).create();
    }
  }

  @BeforeEach
  void clients() {
    http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(20))
        .build();
    admin = ControlApiTestSupport.adminToken(client);
    viewer = keys.platformToken("watcher", List.of("platform-viewer"), Duration.ofMinutes(10));
  }

  WebTestClient.ResponseSpec post(String path, String token, Object body) {
    return http.post().uri(path).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange();
  }

  @Test
  void aBackupAskedOverRestIsWrittenAndItsProgressArrivesLive() throws Exception {
    Recorder socket = Recorder.connect("ws://127.0.0.1:" + port + "/ws/provisioning", viewer);
    post("/api/v1/backups", admin, Map.of("tenant", "bk-acme", "name", "bk-acme-1", "ttl", "P7D"))
        .expectStatus().isCreated()
        .expectHeader().location("/api/v1/backups/bk-acme-1")
        .expectBody().jsonPath("$.tenant").isEqualTo("bk-acme").jsonPath("$.phase").isEqualTo("Pending");
    TenantBackup written = client.resources(TenantBackup.class).withName("bk-acme-1").get();
    assertThat(written.getSpec().getTenant()).isEqualTo("bk-acme");
    assertThat(written.getSpec().getTtl()).isEqualTo("P7D");

    completeAsTheOperatorWould("bk-acme-1", 48_211L, 1742L);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> socket.messages.stream().anyMatch(m ->
        "backup".equals(m.path("type").asString()) && "bk-acme-1".equals(m.path("backup").asString())
            && "Completed".equals(m.path("phase").asString()) && m.path("sizeBytes").asLong() == 48_211L));
    http.get().uri("/api/v1/backups?tenant=bk-acme").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isOk().expectBody()
        .jsonPath("$[0].name").isEqualTo("bk-acme-1")
        .jsonPath("$[0].sizeBytes").isEqualTo(48_211)
        .jsonPath("$[0].eventPosition").isEqualTo(1742);
    http.get().uri("/api/v1/backups?tenant=bk-globex").headers(h -> h.setBearerAuth(viewer)).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$[*].tenant").value(tenants ->
            assertThat(String.valueOf(tenants)).doesNotContain("bk-acme"));

    // a clone of it and a restore into its own tenant are written; the operator decides the rest
    post("/api/v1/restores", admin, Map.of("backup", "bk-acme-1", "targetTenant", "bk-acme-copy", "name", "to-copy"))
        .expectStatus().isCreated().expectBody().jsonPath("$.targetTenant").isEqualTo("bk-acme-copy");
    assertThat(client.resources(TenantRestore.class).withName("to-copy").get().getSpec().getTarget().getTenant())
        .isEqualTo("bk-acme-copy");
    post("/api/v1/restores", admin, Map.of("backup", "bk-acme-1", "name", "in-place")).expectStatus().isCreated();
    assertThat(client.resources(TenantRestore.class).withName("in-place").get().getSpec().getTarget()).isNull();

    http.delete().uri("/api/v1/backups/bk-acme-1").headers(h -> h.setBearerAuth(admin)).exchange()
        .expectStatus().isAccepted();
    assertThat(client.resources(TenantBackup.class).withName("bk-acme-1").get()).isNull();
  }

  @Test
  void refusalsNameTheFieldAndWriteNothing() {
    post("/api/v1/backups", admin, Map.of("tenant", "nobody")).expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("tenant");
    post("/api/v1/backups", admin, Map.of("tenant", "bk-acme", "ttl", "a week")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("ttl");
    post("/api/v1/backups", viewer, Map.of("tenant", "bk-acme")).expectStatus().isForbidden();

    post("/api/v1/backups", admin, Map.of("tenant", "bk-globex", "name", "bk-globex-1")).expectStatus().isCreated();
    post("/api/v1/restores", admin, Map.of("backup", "bk-globex-1", "targetTenant", "bk-globex-copy"))
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.detail").value(detail ->
            assertThat(String.valueOf(detail)).contains("not Completed"));
    completeAsTheOperatorWould("bk-globex-1", 100L, 3L);
    post("/api/v1/restores", admin, Map.of("backup", "bk-globex-1", "targetTenant", "bk-acme"))
        .expectStatus().isEqualTo(409).expectBody().jsonPath("$.field").isEqualTo("targetTenant");
    post("/api/v1/restores", admin, Map.of("backup", "no-such-backup")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("backup");
    assertThat(client.resources(TenantRestore.class).list().getItems())
        .noneMatch(r -> "bk-globex-1".equals(r.getSpec().getBackup()));

    post("/api/v1/backup-schedules", admin, Map.of("name", "bad", "tenant", "bk-acme", "plans", List.of("free"),
        "schedule", "0 2 * * *")).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("tenant");
    post("/api/v1/backup-schedules", admin, Map.of("name", "bad", "tenant", "bk-acme", "schedule", "nightly"))
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("schedule");
    post("/api/v1/backup-schedules", admin, Map.of("name", "bad", "plans", List.of("free"), "schedule", "0 2 * * *",
        "timeZone", "Mars/Olympus")).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("timeZone");
    assertThat(client.resources(TenantBackupSchedule.class).withName("bad").get()).isNull();
  }

  @Test
  void graphQlBacksUpRestoresAndSchedules() {
    HttpGraphQlTester graphql = HttpGraphQlTester.create(WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port + "/graphql").defaultHeaders(h -> h.setBearerAuth(admin)).build());
    graphql.document("""
            mutation { createBackup(input: {tenant: "bk-globex", name: "gql-backup"}) { name tenant phase } }""")
        .execute().path("createBackup.phase").entity(String.class).isEqualTo("Pending");
    completeAsTheOperatorWould("gql-backup", 512L, 9L);
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        graphql.document("{ backups(tenant: \"bk-globex\") { name phase sizeBytes eventPosition } }").execute()
            .path("backups[?(@.name=='gql-backup')].phase").entityList(String.class).containsExactly("Completed"));
    graphql.document("""
            mutation { restoreBackup(input: {backup: "gql-backup", targetTenant: "gql-clone", name: "gql-restore"}) {
              name backup targetTenant phase } }""")
        .execute().path("restoreBackup.targetTenant").entity(String.class).isEqualTo("gql-clone");
    graphql.document("""
            mutation { createBackupSchedule(input: {name: "nightly-free", plans: ["free"], schedule: "0 2 * * *",
              timeZone: "Europe/Berlin", keep: 3}) { name plans keep timeZone } }""")
        .execute().path("createBackupSchedule.keep").entity(Integer.class).isEqualTo(3);
    assertThat(client.resources(TenantBackupSchedule.class).withName("nightly-free").get().getSpec().getSelector()
        .getPlans()).containsExactly("free");
    graphql.document("{ backupSchedules { name schedule } restores { name } }").execute()
        .path("backupSchedules[*].name").entityList(String.class).contains("nightly-free")
        .path("restores[*].name").entityList(String.class).contains("gql-restore");
    graphql.document("mutation { deleteBackupSchedule(name: \"nightly-free\") { name } }").execute()
        .path("deleteBackupSchedule.name").entity(String.class).isEqualTo("nightly-free");
  }

  /** The status the operator writes when a backup completes. */
  void completeAsTheOperatorWould(String name, long size, long position) {
    client.resources(TenantBackup.class).withName(name).editStatus(backup -> {
      TenantBackupStatus status = new TenantBackupStatus();
      status.setPhase(BackupPhase.Completed);
      status.setSizeBytes(size);
      status.setEventPosition(position);
      status.setLocation("volume:tenants/" + backup.getSpec().getTenant() + "/" + name + ".tnb.gz");
      backup.setStatus(status);
      return backup;
    });
    // until the control API's cache has it too
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "Completed".equals(
        http.get().uri("/api/v1/backups/" + name).headers(h -> h.setBearerAuth(viewer)).exchange()
            .expectBody(Map.class).returnResult().getResponseBody().get("phase")));
  }
}
