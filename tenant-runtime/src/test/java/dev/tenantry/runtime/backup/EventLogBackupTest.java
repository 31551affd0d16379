package dev.tenantry.runtime.backup;

import static dev.tenantry.runtime.RuntimeTestSupport.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.runtime.RuntimeTestSupport;
import dev.tenantry.runtime.grpc.BearerToken;
import dev.tenantry.runtime.grpc.GrpcServer;
import dev.tenantry.runtime.grpc.v1.EventLogChunk;
import dev.tenantry.runtime.grpc.v1.ExportEventLogRequest;
import dev.tenantry.runtime.grpc.v1.ImportEventLogResponse;
import dev.tenantry.runtime.grpc.v1.PlatformBackupGrpc;
import dev.tenantry.runtime.grpc.v1.CreateProjectRequest;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.security.TenantTokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A tenant's event log exported by the platform's backup role and loaded into an empty store:
 * on the embedded store and on PostgreSQL, every row comes back, the log goes on where it was,
 * writes during an export are neither lost nor half in it, and a bad archive leaves nothing.
 */
@SuppressWarnings("unchecked")
class EventLogBackupTest {
  static final String BACKUP = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, RuntimeTestSupport.TENANT,
      "tenantry-operator", List.of("platform-backup"), Duration.ofMinutes(10));
  static final List<String> TABLES = List.of(
      "SELECT * FROM events ORDER BY sequence",
      "SELECT * FROM event_head",
      "SELECT * FROM projects ORDER BY created_seq",
      "SELECT * FROM tasks ORDER BY created_seq",
      "SELECT * FROM task_labels ORDER BY task_id, label",
      "SELECT * FROM comments ORDER BY created_seq");

  @TempDir
  Path dir;
  final List<String> databases = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void dropDatabases() {
    databases.forEach(RuntimeTestSupport::dropPostgresDatabase);
  }

  Map<String, Object> store(String storage, String name, String tenant) {
    if (storage.equals("postgres")) {
      String database = RuntimeTestSupport.newPostgresDatabase();
      databases.add(database);
      return RuntimeTestSupport.postgres(dir.resolve(name), tenant, database);
    }
    return RuntimeTestSupport.embedded(dir.resolve(name), tenant);
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void aRestoredStoreHasEveryRowAndItsLogGoesOn(String storage) {
    try (var source = RuntimeTestSupport.start(store(storage, "source", RuntimeTestSupport.TENANT));
        var target = RuntimeTestSupport.start(store(storage, "target", RuntimeTestSupport.TENANT))) {
      String alpha = fillWithWork(source);
      String archive = export(http(source), null);
      long position = header(archive).position();
      assertThat(position).isEqualTo(count(source, "events"));

      http(target).put().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(BACKUP))
          .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange()
          .expectStatus().isOk().expectBody()
          .jsonPath("$.position").isEqualTo(position)
          .jsonPath("$.sourceTenant").isEqualTo(RuntimeTestSupport.TENANT);

      assertThat(rows(target)).isEqualTo(rows(source));
      for (String uri : List.of("/api/v1/projects", "/api/v1/projects/" + alpha + "/tasks", "/api/v1/activity?limit=200")) {
        assertThat(get(target, uri)).as(uri).isEqualTo(get(source, uri));
      }
      // the log goes on from the restored position, and a new task lands where it would have
      for (var runtime : List.of(source, target)) {
        http(runtime).post().uri("/api/v1/projects/" + alpha + "/tasks").headers(h -> h.setBearerAuth(RuntimeTestSupport.member()))
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "after the restore")).exchange()
            .expectStatus().isCreated();
      }
      assertThat(query(target, "SELECT position, status, version FROM tasks WHERE title = 'after the restore'"))
          .isEqualTo(query(source, "SELECT position, status, version FROM tasks WHERE title = 'after the restore'"));
      assertThat(head(target)).isEqualTo(position + 1).isEqualTo(head(source));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"embedded", "postgres"})
  void anInPlaceLoadReplacesEverythingOrNothing(String storage) {
    try (var runtime = RuntimeTestSupport.start(store(storage, "runtime", RuntimeTestSupport.TENANT))) {
      fillWithWork(runtime);
      String archive = export(http(runtime), null);
      var backedUp = rows(runtime);
      // written after the backup: gone once the backup is loaded in place
      RuntimeTestSupport.createProject(http(runtime), "After the backup");
      List<String> lines = Arrays.asList(archive.split("\n"));

      // a truncated archive is refused and the store keeps everything, the newer project included
      http(runtime).put().uri(EventLogController.PATH + "?replace=true").headers(h -> h.setBearerAuth(BACKUP))
          .contentType(MediaType.APPLICATION_NDJSON)
          .bodyValue(String.join("\n", lines.subList(0, lines.size() - 2)) + "\n").exchange()
          .expectStatus().isBadRequest();
      assertThat(count(runtime, "projects")).isEqualTo(3);
      refused(runtime, archive, 409, "not empty");

      http(runtime).put().uri(EventLogController.PATH + "?replace=true").headers(h -> h.setBearerAuth(BACKUP))
          .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.position").isEqualTo(header(archive).position());
      assertThat(rows(runtime)).isEqualTo(backedUp);
      // and the log goes on from the backup's position
      RuntimeTestSupport.createProject(http(runtime), "After the restore");
      assertThat(head(runtime)).isEqualTo(header(archive).position() + 1);
    }
  }

  @Test
  void theOperatorsGrpcDoorExportsAndImportsTheSameLogAndOpensToTheBackupRoleOnly() throws Exception {
    try (var source = RuntimeTestSupport.start(store("embedded", "source", RuntimeTestSupport.TENANT));
        var target = RuntimeTestSupport.start(store("postgres", "target", RuntimeTestSupport.TENANT))) {
      fillWithWork(source);
      String overRest = export(http(source), null);
      ManagedChannel from = NettyChannelBuilder.forAddress("127.0.0.1", source.getBean(GrpcServer.class).port())
          .usePlaintext().build();
      ManagedChannel to = NettyChannelBuilder.forAddress("127.0.0.1", target.getBean(GrpcServer.class).port())
          .usePlaintext().build();
      try {
        var chunks = new ArrayList<EventLogChunk>();
        PlatformBackupGrpc.newBlockingStub(from).withCallCredentials(new BearerToken(BACKUP))
            .exportEventLog(ExportEventLogRequest.getDefaultInstance()).forEachRemaining(chunks::add);
        String overGrpc = chunks.stream().map(c -> c.getNdjson().toStringUtf8()).collect(Collectors.joining());
        // the same lines but the header's export time
        assertThat(overGrpc.lines().skip(1).toList()).isEqualTo(overRest.lines().skip(1).toList());
        assertThat(chunks.get(0).getPosition()).isEqualTo(header(overRest).position());

        var answer = new java.util.concurrent.CompletableFuture<ImportEventLogResponse>();
        var upload = PlatformBackupGrpc.newStub(to).withCallCredentials(new BearerToken(BACKUP))
            .importEventLog(new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(ImportEventLogResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() { }
            });
        // pieces need not end on line ends: the runtime joins them
        byte[] bytes = overGrpc.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < bytes.length; offset += 1000) {
          upload.onNext(EventLogChunk.newBuilder().setNdjson(com.google.protobuf.ByteString.copyFrom(bytes, offset,
              Math.min(1000, bytes.length - offset))).build());
        }
        upload.onCompleted();
        assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS).getPosition())
            .isEqualTo(header(overRest).position());
        assertThat(rows(target)).isEqualTo(rows(source));

        assertThatThrownBy(() -> PlatformBackupGrpc.newBlockingStub(from)
                .withCallCredentials(new BearerToken(RuntimeTestSupport.admin()))
                .exportEventLog(ExportEventLogRequest.getDefaultInstance()).hasNext())
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      } finally {
        from.shutdownNow();
        to.shutdownNow();
      }
    }
  }

  @Test
  void aCloneServesTheDataUnderItsOwnNameAndTheSourceTokensDoNotOpenIt() {
    try (var source = RuntimeTestSupport.start(store("embedded", "source", RuntimeTestSupport.TENANT));
        var clone = RuntimeTestSupport.start(store("embedded", "clone", "globex"))) {
      fillWithWork(source);
      String archive = export(http(source), null);
      String cloneBackup = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, "globex", "tenantry-operator",
          List.of("platform-backup"), Duration.ofMinutes(10));
      http(clone).put().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(cloneBackup))
          .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.sourceTenant").isEqualTo(RuntimeTestSupport.TENANT);

      String globexViewer = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, "globex", "gina", List.of("viewer"),
          Duration.ofMinutes(10));
      http(clone).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(globexViewer)).exchange()
          .expectStatus().isOk().expectBody().jsonPath("$.items[*].name").value(names ->
              assertThat((List<Object>) names).containsExactlyInAnyOrder("Alpha", "Beta renamed"));
      http(clone).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(RuntimeTestSupport.viewer())).exchange()
          .expectStatus().isUnauthorized()
          .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          // a refused caller keeps no connection
          .expectHeader().valueEquals(org.springframework.http.HttpHeaders.CONNECTION, "close")
          .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("globex"));
      // independent from here on: a project made in the clone is not in the source
      http(clone).post().uri("/api/v1/projects").headers(h -> h.setBearerAuth(TenantTokens.sign(
              RuntimeTestSupport.PLATFORM_KEY, "globex", "gina", List.of("member"), Duration.ofMinutes(10))))
          .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Only in the clone")).exchange()
          .expectStatus().isCreated();
      assertThat(count(clone, "projects")).isEqualTo(count(source, "projects") + 1);
    }
  }

  @Test
  void writesDuringAnExportAreKeptAndNoneOfThemIsInIt() throws Exception {
    try (var source = RuntimeTestSupport.start(store("postgres", "source", RuntimeTestSupport.TENANT));
        var target = RuntimeTestSupport.start(store("embedded", "target", RuntimeTestSupport.TENANT))) {
      String project = RuntimeTestSupport.createProject(http(source), "Busy");
      Flux.range(0, 2000).flatMap(i -> createTask(source, project, "before " + i), 8).blockLast();

      HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + RuntimeTestSupport.port(source) + EventLogController.PATH))
          .header("Authorization", "Bearer " + BACKUP).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      long position = Long.parseLong(response.headers().firstValue(EventLogController.POSITION_HEADER).orElseThrow());

      // 100 writers at once while the export's body is still unread
      List<Integer> statuses = Flux.range(0, 100)
          .flatMap(i -> createTask(source, project, "during " + i), 100)
          .collectList().block(Duration.ofMinutes(2));
      assertThat(statuses).hasSize(100).containsOnly(201);

      String archive;
      try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        archive = reader.lines().collect(Collectors.joining("\n", "", "\n"));
      }
      assertThat(head(source)).isEqualTo(position + 100);
      http(target).put().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(BACKUP))
          .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange().expectStatus().isOk();
      assertThat(query(target, "SELECT sequence, type, aggregate_id FROM events ORDER BY sequence"))
          .isEqualTo(query(source, "SELECT sequence, type, aggregate_id FROM events WHERE sequence <= "
              + position + " ORDER BY sequence"));
      assertThat(count(target, "tasks")).isEqualTo(2000);
      assertThat(query(target, "SELECT COUNT(*) AS n FROM tasks WHERE title LIKE 'during %'"))
          .containsExactly(Map.of("n", 0L));
    }
  }

  @Test
  void aBadArchiveOrAWrongCallerIsRefusedAndLeavesTheStoreEmpty() {
    try (var source = RuntimeTestSupport.start(store("embedded", "source", RuntimeTestSupport.TENANT));
        var target = RuntimeTestSupport.start(store("embedded", "target", RuntimeTestSupport.TENANT))) {
      fillWithWork(source);
      String archive = export(http(source), null);
      List<String> lines = Arrays.asList(archive.split("\n"));

      refused(target, String.join("\n", lines.subList(0, lines.size() - 2)) + "\n", 400, "truncated");
      refused(target, String.join("\n", lines.subList(0, 3)) + "\n{\"sequence\": 3, \"aggre\n", 400, "line 4");
      List<String> gap = new ArrayList<>(lines);
      gap.remove(2);
      refused(target, String.join("\n", gap) + "\n", 400, "without gaps");
      refused(target, lines.get(0).replace("event-log/v1", "event-log/v9") + "\n", 400, "unknown format");
      refused(target, "", 400, "empty");
      assertThat(head(target)).isZero();
      assertThat(count(target, "projects")).isZero();
      assertThat(count(target, "tasks")).isZero();

      // after all that, the good archive still loads; a second load into the now full store is refused
      http(target).put().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(BACKUP))
          .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange().expectStatus().isOk();
      refused(target, archive, 409, "not empty");
      assertThat(rows(target)).isEqualTo(rows(source));

      // export bounds, and who may call what
      http(source).get().uri(EventLogController.PATH + "?upTo=100000").headers(h -> h.setBearerAuth(BACKUP)).exchange()
          .expectStatus().isBadRequest().expectBody().jsonPath("$.detail").value(detail ->
              assertThat((String) detail).contains("between 0 and the log's head"));
      assertThat(header(export(http(source), 3L)).position()).isEqualTo(3);
      assertThat(export(http(source), 3L).lines().count()).isEqualTo(4);
      http(source).get().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(RuntimeTestSupport.admin()))
          .exchange().expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("platform-backup"));
      http(source).get().uri("/api/v1/projects").headers(h -> h.setBearerAuth(BACKUP)).exchange()
          .expectStatus().isForbidden();
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", source.getBean(GrpcServer.class).port())
          .usePlaintext().build();
      try {
        assertThatThrownBy(() -> ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(BACKUP))
                .listProjects(ListProjectsRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** Projects over REST and gRPC, tasks created, edited, moved, assigned, deleted and commented; returns Alpha's id. */
  static String fillWithWork(ConfigurableApplicationContext runtime) {
    WebTestClient http = http(runtime);
    String alpha = RuntimeTestSupport.createProject(http, "Alpha");
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", runtime.getBean(GrpcServer.class).port())
        .usePlaintext().build();
    String beta;
    try {
      beta = ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(RuntimeTestSupport.member()))
          .createProject(CreateProjectRequest.newBuilder().setName("Beta").build()).getId();
    } finally {
      channel.shutdownNow();
    }
    String first = task(http, alpha, Map.of("title", "first", "labels", List.of("ops", "db"), "dueDate", "2027-01-31"));
    String second = task(http, alpha, Map.of("title", "second", "description", "to be moved"));
    String third = task(http, alpha, Map.of("title", "third", "assignee", "dave"));
    task(http, beta, Map.of("title", "in beta"));
    send(http.patch().uri("/api/v1/tasks/" + first), Map.of("title", "first, edited", "labels", List.of("ops")));
    send(http.post().uri("/api/v1/tasks/" + second + "/move"), Map.of("status", "IN_PROGRESS", "position", 0));
    send(http.post().uri("/api/v1/tasks/" + third + "/move"), Map.of("status", "TODO", "position", 7));
    send(http.put().uri("/api/v1/tasks/" + first + "/assignee"), Map.of("assignee", "carol"));
    send(http.post().uri("/api/v1/tasks/" + first + "/comments"), Map.of("body", "looks good"));
    send(http.post().uri("/api/v1/tasks/" + second + "/comments"), Map.of("body", "gone soon"));
    http.delete().uri("/api/v1/tasks/" + second).headers(h -> h.setBearerAuth(RuntimeTestSupport.member()))
        .exchange().expectStatus().is2xxSuccessful();
    send(http.patch().uri("/api/v1/projects/" + beta), Map.of("name", "Beta renamed"));
    send(http.patch().uri("/api/v1/projects/" + beta), Map.of("archived", true));
    return alpha;
  }

  static String task(WebTestClient http, String project, Map<String, Object> body) {
    return http.post().uri("/api/v1/projects/" + project + "/tasks").headers(h -> h.setBearerAuth(RuntimeTestSupport.member()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
        .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
  }

  static void send(WebTestClient.RequestBodySpec request, Map<String, Object> body) {
    request.headers(h -> h.setBearerAuth(RuntimeTestSupport.member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange().expectStatus().is2xxSuccessful();
  }

  static reactor.core.publisher.Mono<Integer> createTask(ConfigurableApplicationContext runtime, String project,
      String title) {
    return org.springframework.web.reactive.function.client.WebClient.create("http://127.0.0.1:"
            + RuntimeTestSupport.port(runtime))
        .post().uri("/api/v1/projects/" + project + "/tasks").headers(h -> h.setBearerAuth(RuntimeTestSupport.member()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", title))
        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
        .subscribeOn(Schedulers.parallel());
  }

  static String export(WebTestClient http, Long upTo) {
    return http.get().uri(EventLogController.PATH + (upTo == null ? "" : "?upTo=" + upTo))
        .headers(h -> h.setBearerAuth(BACKUP)).exchange()
        .expectStatus().isOk()
        .expectHeader().contentType(MediaType.APPLICATION_NDJSON)
        .expectHeader().exists(EventLogController.POSITION_HEADER)
        .expectBody(String.class).returnResult().getResponseBody();
  }

  static EventLogHeader header(String archive) {
    return tools.jackson.databind.json.JsonMapper.builder().build()
        .readValue(archive.substring(0, archive.indexOf('\n')), EventLogHeader.class);
  }

  static void refused(ConfigurableApplicationContext target, String archive, int status, String because) {
    http(target).put().uri(EventLogController.PATH).headers(h -> h.setBearerAuth(BACKUP))
        .contentType(MediaType.APPLICATION_NDJSON).bodyValue(archive).exchange()
        .expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).as(archive).contains(because));
  }

  static String get(ConfigurableApplicationContext runtime, String uri) {
    return http(runtime).get().uri(uri).headers(h -> h.setBearerAuth(RuntimeTestSupport.viewer())).exchange()
        .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
  }

  static Map<String, List<Map<String, Object>>> rows(ConfigurableApplicationContext runtime) {
    Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    TABLES.forEach(sql -> rows.put(sql, query(runtime, sql)));
    return rows;
  }

  static List<Map<String, Object>> query(ConfigurableApplicationContext runtime, String sql) {
    return runtime.getBean(DatabaseClient.class).sql(sql).fetch().all()
        .map(row -> row.entrySet().stream().collect(Collectors.<Map.Entry<String, Object>, String, Object,
            Map<String, Object>>toMap(e -> e.getKey().toLowerCase(), e -> normalized(e.getValue()), (a, b) -> a,
            LinkedHashMap::new)))
        .collectList().block(Duration.ofSeconds(30));
  }

  // instants compare as instants (one store may hand them back in another offset); counts as longs
  private static Object normalized(Object value) {
    if (value instanceof java.time.OffsetDateTime time) {
      return time.toInstant();
    }
    if (value instanceof Number number && !(value instanceof java.math.BigDecimal)) {
      return number.longValue();
    }
    return value == null ? "null" : value;
  }

  static long count(ConfigurableApplicationContext runtime, String table) {
    return (Long) query(runtime, "SELECT COUNT(*) AS n FROM " + table).get(0).get("n");
  }

  static long head(ConfigurableApplicationContext runtime) {
    return (Long) query(runtime, "SELECT sequence FROM event_head").get(0).get("sequence");
  }
}
