package dev.tenantry.e2e.backup;

import static dev.tenantry.e2e.InProcessPlatform.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.backup.BackupPhase;
import dev.tenantry.crds.backup.RestoreMode;
import dev.tenantry.crds.backup.TenantBackup;
import dev.tenantry.crds.backup.TenantBackupSchedule;
import dev.tenantry.crds.backup.TenantBackupScheduleSpec;
import dev.tenantry.crds.backup.TenantBackupSpec;
import dev.tenantry.crds.backup.TenantRestore;
import dev.tenantry.crds.backup.TenantRestoreSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.StorageType;
import dev.tenantry.e2e.InProcessPlatform;
import dev.tenantry.e2e.LocalRuntimes;
import dev.tenantry.operator.runtimeapi.BearerCallCredentials;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.runtime.grpc.v1.CreateProjectRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup, restore and clone of whole tenants on a real API server, with the operator running
 * as its ServiceAccount and each tenant runtime a real process started from the Deployment the
 * operator wrote (its certificate, its JWKS, its database credentials): data made over REST and
 * gRPC comes back after the tenant is deleted, a clone serves the same data under its own name
 * and certificate and refuses the source's tokens, writes during a backup are kept, and each
 * refusal leaves a condition and nothing half-restored.
 */
@WithKubeApiServer(controllers = {"namespace", "pvc-protection"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantBackupRestoreTest {
  static final String PLATFORM = "tenantry-system";
  static final ObjectMapper JSON = new ObjectMapper();
  /** The runtimes' REST port is plain HTTP inside the cluster (TLS ends at the ingress); gRPC is TLS. */
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Path work;
  ECKey controlApiKey;
  KubernetesClient admin;
  LocalRuntimes runtimes;
  InProcessPlatform platform;
  Path backups;
  String acmeProjectsBeforeBackup;

  @BeforeAll
  void startPlatform(KubeApiServer server, KubernetesClient client, @TempDir Path work) throws Exception {
    this.work = work;
    admin = client;
    backups = work.resolve("backups");
    platform = InProcessPlatform.start(server, client, work, Map.of(
        "TENANTRY_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres",
        "TENANTRY_POSTGRES_USER", "postgres",
        "TENANTRY_BACKUP_DIR", backups.toString(),
        "TENANTRY_BACKUP_TENANT_WAIT_SECONDS", "120"));
    controlApiKey = platform.controlApiKey();
    runtimes = platform.runtimes();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(1)
  void anEmbeddedTenantIsBackedUpDeletedAndBroughtBackWithItsData() throws Exception {
    platform.createTenant("acme", StorageType.Embedded, null);
    runtimes.start("acme");
    awaitTenantReady("acme");
    fillWithWork("acme");
    admin.resource(new ConfigMapBuilder().withNewMetadata().withName("team-settings")
        .withNamespace(TenantryApi.namespaceOf("acme")).endMetadata().withData(Map.of("theme", "dark")).build()).create();
    acmeProjectsBeforeBackup = projects("acme", "acme");
    long head = eventLogHead("acme");

    TenantBackup backup = backUp("acme-1", "acme", null);
    assertThat(backup.getStatus().getEventPosition()).isEqualTo(head);
    assertThat(backup.getStatus().getLocation()).isEqualTo("volume:tenants/acme/acme-1.tnb.gz");
    Path archive = backups.resolve("tenants/acme/acme-1.tnb.gz");
    assertThat(Files.size(archive)).isEqualTo(backup.getStatus().getSizeBytes());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive))))
        .isEqualTo(backup.getStatus().getSha256());
    assertThat(condition(backup.getStatus().getConditions()).getStatus()).isEqualTo("True");

    deleteTenant("acme");

    TenantRestore restore = restore("acme-back", "acme-1", null);
    runtimes.start("acme");
    restore = awaitRestore("acme-back", BackupPhase.Completed);
    assertThat(restore.getStatus().getMode()).isEqualTo(RestoreMode.Recreate);
    assertThat(restore.getStatus().getRestoredTenant()).isEqualTo("acme");
    assertThat(restore.getStatus().getEventPosition()).isEqualTo(head);
    assertThat(restore.getStatus().getObjects()).isEqualTo(1);
    assertThat(projects("acme", "acme")).isEqualTo(acmeProjectsBeforeBackup);
    assertThat(admin.configMaps().inNamespace(TenantryApi.namespaceOf("acme")).withName("team-settings").get()
        .getData()).containsEntry("theme", "dark");
    // the log goes on after the restored position
    createProjectOverRest("acme", "After the restore");
    assertThat(eventLogHead("acme")).isEqualTo(head + 1);
    assertThat(admin.resources(Tenant.class).withName("acme").get().getMetadata().getAnnotations())
        .containsEntry(TenantryApi.RESTORED_FROM_ANNOTATION, "acme-1");
  }

  @Test
  @Order(2)
  void aCloneServesTheSameDataUnderItsOwnNameAndCertificateAndRefusesTheSourcesTokens() throws Exception {
    restore("acme-clone", "acme-1", "acme-copy");
    runtimes.start("acme-copy");
    TenantRestore restore = awaitRestore("acme-clone", BackupPhase.Completed);
    assertThat(restore.getStatus().getMode()).isEqualTo(RestoreMode.Clone);

    assertThat(projects("acme-copy", "acme-copy")).isEqualTo(acmeProjectsBeforeBackup);
    assertThat(call("acme-copy", "acme", "GET", "/api/v1/projects", null).statusCode()).isEqualTo(401);
    assertThat(tlsCertificate("acme-copy")).isNotEqualTo(tlsCertificate("acme"));
    // independent from here on
    createProjectOverRest("acme-copy", "Only in the copy");
    assertThat(projects("acme", "acme")).doesNotContain("Only in the copy");
  }

  @Test
  @Order(3)
  void aPostgresTenantIsClonedAndBroughtBackAfterADeleteWithItsData() throws Exception {
    platform.createTenant("globex", StorageType.Postgres, null);
    runtimes.start("globex");
    awaitTenantReady("globex");
    fillWithWork("globex");
    String before = projects("globex", "globex");

    TenantBackup backup = backUp("globex-1", "globex", "P7D");
    assertThat(backup.getStatus().getPlan()).isEqualTo("pro");
    restore("globex-clone", "globex-1", "globex-copy");
    runtimes.start("globex-copy");
    awaitRestore("globex-clone", BackupPhase.Completed);
    assertThat(projects("globex-copy", "globex-copy")).isEqualTo(before);
    assertThat(eventLogHead("globex-copy")).isEqualTo(backup.getStatus().getEventPosition());

    // deleted with its database (deletionPolicy Delete), then brought back into a new, empty one
    deleteTenant("globex");
    restore("globex-back", "globex-1", null);
    runtimes.start("globex");
    TenantRestore back = awaitRestore("globex-back", BackupPhase.Completed);
    assertThat(back.getStatus().getMode()).isEqualTo(RestoreMode.Recreate);
    assertThat(projects("globex", "globex")).isEqualTo(before);
    createProjectOverRest("globex", "After the restore");
    assertThat(eventLogHead("globex")).isEqualTo(backup.getStatus().getEventPosition() + 1);
  }

  @Test
  @Order(4)
  void writesDuringABackupAreKeptAndTheBackupHoldsExactlyTheEventsUpToItsPosition() throws Exception {
    long before = eventLogHead("acme");
    List<CompletableFuture<HttpResponse<String>>> writers = new ArrayList<>();
    HttpClient http = HTTP;
    TenantBackup created = admin.resource(backupOf("acme-busy", "acme", null)).create();
    for (int i = 0; i < 100; i++) {
      writers.add(http.sendAsync(request("acme", "acme", "POST", "/api/v1/projects",
          Map.of("name", "busy " + i)), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    assertThat(writers).allSatisfy(w -> assertThat(w.get().statusCode()).isEqualTo(201));
    TenantBackup backup = awaitBackup(created.getMetadata().getName(), BackupPhase.Completed);
    long position = backup.getStatus().getEventPosition();
    assertThat(position).isBetween(before, before + 100);
    assertThat(eventLogHead("acme")).isEqualTo(before + 100);

    restore("acme-busy-clone", "acme-busy", "acme-busy");
    runtimes.start("acme-busy");
    awaitRestore("acme-busy-clone", BackupPhase.Completed);
    assertThat(eventLogHead("acme-busy")).isEqualTo(position);
    // event for event what the source held at that position
    assertThat(events("acme-busy", null)).isEqualTo(events("acme", position));
  }

  @Test
  @Order(5)
  void anInPlaceRestoreReplacesTheTenantsData() throws Exception {
    createProjectOverRest("acme", "Written after the backup");
    restore("acme-rewind", "acme-1", "acme");
    TenantRestore restore = awaitRestore("acme-rewind", BackupPhase.Completed);
    assertThat(restore.getStatus().getMode()).isEqualTo(RestoreMode.InPlace);
    assertThat(projects("acme", "acme")).isEqualTo(acmeProjectsBeforeBackup);
    assertThat(eventLogHead("acme")).isEqualTo(restore.getStatus().getEventPosition());
  }

  @Test
  @Order(6)
  void eachRefusalIsAConditionAndLeavesNothingHalfRestored() throws Exception {
    TenantBackup missingTenant = admin.resource(backupOf("nobody-1", "nobody", null)).create();
    assertFailed(awaitBackup(missingTenant.getMetadata().getName(), BackupPhase.Failed).getStatus().getConditions(),
        "TenantNotFound", "no tenant 'nobody'");

    restore("into-globex", "acme-1", "globex");
    assertFailed(awaitRestore("into-globex", BackupPhase.Failed).getStatus().getConditions(), "TargetExists",
        "tenant 'globex' exists and is not the backup's tenant 'acme'");

    restore("no-such-backup", "acme-404", "acme-x");
    assertFailed(awaitRestore("no-such-backup", BackupPhase.Failed).getStatus().getConditions(), "BackupNotFound",
        "there is no backup 'acme-404'");

    // a byte of the archive changed after the backup: refused before any tenant is made
    backUp("acme-2", "acme", null);
    Path archive = backups.resolve("tenants/acme/acme-2.tnb.gz");
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(archive, bytes);
    restore("from-corrupt", "acme-2", "acme-corrupt");
    assertFailed(awaitRestore("from-corrupt", BackupPhase.Failed).getStatus().getConditions(), "ArchiveCorrupt",
        "acme-2");
    // a truncated archive likewise
    backUp("acme-3", "acme", null);
    Path truncated = backups.resolve("tenants/acme/acme-3.tnb.gz");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(truncated), (int) Files.size(truncated) - 100));
    restore("from-truncated", "acme-3", "acme-truncated");
    assertFailed(awaitRestore("from-truncated", BackupPhase.Failed).getStatus().getConditions(), "ArchiveCorrupt",
        "truncated");
    assertThat(admin.resources(Tenant.class).withName("acme-corrupt").get()).isNull();
    assertThat(admin.resources(Tenant.class).withName("acme-truncated").get()).isNull();

    // the store refuses the archive: here the archive's place is taken by a directory
    Files.createDirectories(backups.resolve("tenants/acme/acme-down.tnb.gz.partial/blocked"));
    TenantBackup down = admin.resource(backupOf("acme-down", "acme", null)).create();
    assertFailed(awaitBackup(down.getMetadata().getName(), BackupPhase.Failed).getStatus().getConditions(),
        "StoreUnavailable", "the backup volume");
  }

  @Test
  @Order(7)
  void anExpiredBackupGoesWithItsArchive() throws Exception {
    backUp("acme-short", "acme", "PT3S");
    Path archive = backups.resolve("tenants/acme/acme-short.tnb.gz");
    await().until(() -> admin.resources(TenantBackup.class).withName("acme-short").get() == null);
    assertThat(archive).doesNotExist();
  }

  @Test
  @Order(8)
  void aScheduleEveryMinuteKeepsExactlyKeepBackups() {
    for (int i = 1; i <= 3; i++) {
      TenantBackup older = backupOf("every-minute-older-" + i, "acme", null);
      older.getMetadata().setLabels(Map.of("backup.tenantry.dev/schedule", "every-minute", TenantryApi.TENANT_LABEL, "acme"));
      admin.resource(older).create();
      awaitBackup(older.getMetadata().getName(), BackupPhase.Completed);
    }
    TenantBackupSchedule schedule = new TenantBackupSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("every-minute").build());
    TenantBackupScheduleSpec spec = new TenantBackupScheduleSpec();
    spec.setTenant("acme");
    spec.setSchedule("* * * * *");
    spec.setKeep(2);
    schedule.setSpec(spec);
    admin.resource(schedule).create();

    // it fires within a minute; then the newest two completed backups are all that is left
    TenantBackupSchedule fired = await().until(() -> admin.resources(TenantBackupSchedule.class)
        .withName("every-minute").get(), current -> current.getStatus() != null
            && !current.getStatus().getLastBackups().isEmpty());
    String made = fired.getStatus().getLastBackups().get(0);
    assertThat(made).startsWith("every-minute-");
    awaitBackup(made, BackupPhase.Completed);
    await().until(() -> scheduled("every-minute"), names -> names.size() == 2);
    assertThat(scheduled("every-minute")).containsExactlyInAnyOrder("every-minute-older-3", made);
    assertThat(backups.resolve("tenants/acme/every-minute-older-1.tnb.gz")).doesNotExist();
    assertThat(condition(fired.getStatus().getConditions(), "Ready").getStatus()).isEqualTo("True");
    admin.resource(fired).delete();

    TenantBackupSchedule bad = new TenantBackupSchedule();
    bad.setMetadata(new ObjectMetaBuilder().withName("never").build());
    TenantBackupScheduleSpec badSpec = new TenantBackupScheduleSpec();
    badSpec.setTenant("acme");
    badSpec.setSchedule("61 * * * *");
    bad.setSpec(badSpec);
    admin.resource(bad).create();
    TenantBackupSchedule refused = await().until(() -> admin.resources(TenantBackupSchedule.class).withName("never")
        .get(), current -> current.getStatus() != null && !current.getStatus().getConditions().isEmpty());
    Condition ready = condition(refused.getStatus().getConditions(), "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("'61 * * * *'");
  }

  List<String> scheduled(String schedule) {
    return admin.resources(TenantBackup.class).withLabel("backup.tenantry.dev/schedule", schedule).list().getItems()
        .stream().map(b -> b.getMetadata().getName()).toList();
  }

  // ---- the platform

  void awaitTenantReady(String name) {
    platform.awaitTenant(name, t -> t.getStatus().getPhase() == dev.tenantry.crds.tenant.Phase.Ready);
  }

  void deleteTenant(String name) {
    admin.resources(Tenant.class).withName(name).delete();
    await().until(() -> admin.resources(Tenant.class).withName(name).get() == null);
    runtimes.stop(name);
    await().until(() -> admin.namespaces().withName(TenantryApi.namespaceOf(name)).get() == null);
  }

  static TenantBackup backupOf(String name, String tenant, String ttl) {
    TenantBackup backup = new TenantBackup();
    backup.setMetadata(new ObjectMetaBuilder().withName(name).build());
    backup.setSpec(new TenantBackupSpec(tenant, ttl));
    return backup;
  }

  TenantBackup backUp(String name, String tenant, String ttl) {
    admin.resource(backupOf(name, tenant, ttl)).create();
    return awaitBackup(name, BackupPhase.Completed);
  }

  TenantBackup awaitBackup(String name, BackupPhase phase) {
    TenantBackup backup = await().until(() -> admin.resources(TenantBackup.class).withName(name).get(),
        b -> b != null && b.getStatus() != null && b.getStatus().getPhase() != null && b.getStatus().getPhase().finished());
    assertThat(backup.getStatus().getPhase()).as("backup %s: %s", name, backup.getStatus().getConditions())
        .isEqualTo(phase);
    return backup;
  }

  TenantRestore restore(String name, String backup, String target) {
    TenantRestore restore = new TenantRestore();
    restore.setMetadata(new ObjectMetaBuilder().withName(name).build());
    restore.setSpec(new TenantRestoreSpec(backup, target));
    return admin.resource(restore).create();
  }

  TenantRestore awaitRestore(String name, BackupPhase phase) {
    TenantRestore restore = await().until(() -> admin.resources(TenantRestore.class).withName(name).get(),
        r -> r != null && r.getStatus() != null && r.getStatus().getPhase() != null && r.getStatus().getPhase().finished());
    assertThat(restore.getStatus().getPhase()).as("restore %s: %s", name, restore.getStatus().getConditions())
        .isEqualTo(phase);
    return restore;
  }

  static Condition condition(List<Condition> conditions) {
    return condition(conditions, "Complete");
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  static void assertFailed(List<Condition> conditions, String reason, String message) {
    Condition complete = condition(conditions);
    assertThat(complete.getStatus()).isEqualTo("False");
    assertThat(complete.getReason()).isEqualTo(reason);
    assertThat(complete.getMessage()).contains(message);
  }

  String tlsCertificate(String tenant) {
    return admin.secrets().inNamespace(TenantryApi.namespaceOf(tenant)).withName("runtime-tls").get()
        .getData().get("tls.crt");
  }

  // ---- the tenants' own APIs, as their users call them

  String token(String tenant, List<String> roles) {
    return platform.users().token(tenant, roles);
  }

  java.security.cert.X509Certificate platformCa() {
    return CertificateAuthority.Pem.parseCertificate(admin.configMaps().inNamespace(PLATFORM)
        .withName(TenantryApi.CA_CONFIG_MAP).get().getData().get(TenantryApi.CA_CERTIFICATE_KEY));
  }

  HttpRequest request(String tenant, String tokenTenant, String method, String path, Object body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + runtimes.get(tenant).httpPort() + path))
        .header("Authorization", "Bearer " + token(tokenTenant, List.of("tenant-admin")))
        .timeout(Duration.ofSeconds(60));
    return body == null ? request.method(method, HttpRequest.BodyPublishers.noBody()).build()
        : request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
  }

  HttpResponse<String> call(String tenant, String tokenTenant, String method, String path, Object body)
      throws Exception {
    return HTTP.send(request(tenant, tokenTenant, method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  String createProjectOverRest(String tenant, String name) throws Exception {
    HttpResponse<String> created = call(tenant, tenant, "POST", "/api/v1/projects", Map.of("name", name));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).path("id").asText();
  }

  /** Projects over REST and gRPC, tasks, a move and a comment. */
  void fillWithWork(String tenant) throws Exception {
    String alpha = createProjectOverRest(tenant, "Alpha");
    for (String title : List.of("first", "second", "third")) {
      HttpResponse<String> task = call(tenant, tenant, "POST", "/api/v1/projects/" + alpha + "/tasks",
          Map.of("title", title, "labels", List.of("ops")));
      assertThat(task.statusCode()).as(task.body()).isEqualTo(201);
      if (title.equals("second")) {
        String id = JSON.readTree(task.body()).path("id").asText();
        assertThat(call(tenant, tenant, "POST", "/api/v1/tasks/" + id + "/comments", Map.of("body", "on it"))
            .statusCode()).isEqualTo(201);
      }
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", runtimes.get(tenant).grpcPort())
        .sslContext(GrpcSslContexts.forClient().trustManager(new ByteArrayInputStream(CertificateAuthority.Pem
            .encode(platformCa()).getBytes(StandardCharsets.UTF_8))).build())
        .overrideAuthority(TenantryApi.runtimeServiceHost(tenant))
        .build();
    try {
      ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token(tenant, List.of("tenant-admin"))))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createProject(CreateProjectRequest.newBuilder().setName("Beta over gRPC").build());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The projects as a user sees them, with their ids, names and versions. */
  String projects(String tenant, String tokenTenant) throws Exception {
    HttpResponse<String> listed = call(tenant, tokenTenant, "GET", "/api/v1/projects?limit=200", null);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    return JSON.readTree(listed.body()).path("items").toString();
  }

  /** The runtime's event log as its platform export gives it (a token of the platform's backup role). */
  List<String> events(String tenant, Long upTo) throws Exception {
    HttpResponse<String> log = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + runtimes.get(tenant).httpPort() + "/admin/v1/event-log" + (upTo == null ? "" : "?upTo=" + upTo)))
            .header("Authorization", "Bearer " + token(tenant, List.of("platform-backup"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    return log.body().lines().skip(1).toList();
  }

  long eventLogHead(String tenant) throws Exception {
    return events(tenant, null).size();
  }
}
