package dev.tenantry.runtime.rest;

import static dev.tenantry.runtime.RuntimeTestSupport.admin;
import static dev.tenantry.runtime.RuntimeTestSupport.badSignature;
import static dev.tenantry.runtime.RuntimeTestSupport.expired;
import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.otherTenant;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The REST API end to end over HTTP; run on H2 and on PostgreSQL by the subclasses. */
public abstract class RestApiContract {

  @LocalServerPort
  int port;

  WebTestClient http;

  @BeforeEach
  void client() {
    http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
  }

  WebTestClient.RequestHeadersSpec<?> get(String uri, String token) {
    return http.get().uri(uri).headers(h -> h.setBearerAuth(token));
  }

  WebTestClient.ResponseSpec post(String uri, String token, Object body) {
    return http.post().uri(uri).headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body).exchange();
  }

  String createProject(String name) {
    return post("/api/v1/projects", admin(), Map.of("name", name)).expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
  }

  String createTask(String projectId, Map<String, Object> body) {
    return post("/api/v1/projects/" + projectId + "/tasks", member(), body).expectStatus().isCreated()
        .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
  }

  @Test
  void aNewTaskGoesAfterEveryTaskPlacedInTodo() {
    String projectId = createProject("Ordering");
    String first = createTask(projectId, Map.of("title", "first"));
    String second = createTask(projectId, Map.of("title", "second"));
    assertThat(position(first)).isZero();
    assertThat(position(second)).isEqualTo(1);
    post("/api/v1/tasks/" + first + "/move", member(), Map.of("status", "TODO", "position", 10)).expectStatus().isOk();
    String third = createTask(projectId, Map.of("title", "third"));
    assertThat(position(third)).isEqualTo(11);
    // moving the last one out of TODO leaves its place taken: order among TODO tasks is kept, not compacted
    post("/api/v1/tasks/" + third + "/move", member(), Map.of("status", "DONE", "position", 0)).expectStatus().isOk();
    post("/api/v1/tasks/" + second + "/move", member(), Map.of("status", "TODO", "position", 4)).expectStatus().isOk();
    assertThat(position(createTask(projectId, Map.of("title", "fourth")))).isEqualTo(12);
  }

  int position(String taskId) {
    return ((Number) get("/api/v1/tasks/" + taskId, viewer()).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody().get("position")).intValue();
  }

  @Test
  void projectsAndTasksRoundTripWithVersionsAndEtags() {
    var created = post("/api/v1/projects", admin(), Map.of("name", "Launch")).expectStatus().isCreated()
        .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
        .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/projects/[0-9a-f-]{36}")
        .expectBody(Map.class).returnResult().getResponseBody();
    String projectId = created.get("id").toString();
    assertThat(created).containsEntry("name", "Launch").containsEntry("archived", false).containsEntry("version", 1);

    String taskId = createTask(projectId, Map.of("title", "Write the README", "description", "both commands",
        "labels", List.of("docs", "p1"), "dueDate", "2026-12-24", "assignee", "bob"));
    get("/api/v1/tasks/" + taskId, viewer()).exchange().expectStatus().isOk()
        .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
        .expectBody()
        .jsonPath("$.title").isEqualTo("Write the README")
        .jsonPath("$.status").isEqualTo("TODO")
        .jsonPath("$.labels[0]").isEqualTo("docs")
        .jsonPath("$.dueDate").isEqualTo("2026-12-24")
        .jsonPath("$.projectId").isEqualTo(projectId);

    http.post().uri("/api/v1/tasks/" + taskId + "/move").headers(h -> h.setBearerAuth(member()))
        .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("status", "IN_PROGRESS", "position", 3)).exchange()
        .expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"")
        .expectBody().jsonPath("$.status").isEqualTo("IN_PROGRESS").jsonPath("$.position").isEqualTo(3);

    // a stale If-Match is refused and changes nothing
    http.patch().uri("/api/v1/tasks/" + taskId).headers(h -> h.setBearerAuth(member()))
        .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("title", "Overwritten")).exchange()
        .expectStatus().isEqualTo(412)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.currentVersion").isEqualTo(2);
    get("/api/v1/tasks/" + taskId, viewer()).exchange().expectBody().jsonPath("$.title").isEqualTo("Write the README");

    http.patch().uri("/api/v1/tasks/" + taskId).headers(h -> h.setBearerAuth(member()))
        .header(HttpHeaders.IF_MATCH, "\"2\"").contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("title", "Write the README well", "dueDate", "")).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.version").isEqualTo(3).jsonPath("$.dueDate").doesNotExist();

    http.put().uri("/api/v1/tasks/" + taskId + "/assignee").headers(h -> h.setBearerAuth(member()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("assignee", "carol")).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.assignee").isEqualTo("carol");

    post("/api/v1/tasks/" + taskId + "/comments", member(), Map.of("body", "on it")).expectStatus().isCreated()
        .expectBody().jsonPath("$.author").isEqualTo("bob").jsonPath("$.body").isEqualTo("on it");
    get("/api/v1/tasks/" + taskId + "/comments", viewer()).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.length()").isEqualTo(1);

    http.patch().uri("/api/v1/projects/" + projectId).headers(h -> h.setBearerAuth(admin()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Launch v2")).exchange()
        .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Launch v2").jsonPath("$.version").isEqualTo(2);

    var activity = get("/api/v1/activity?projectId=" + projectId, viewer()).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) activity.get("items");
    assertThat(items).extracting(e -> e.get("type")).containsExactly("ProjectCreated", "TaskCreated", "TaskMoved",
        "TaskUpdated", "TaskAssigned", "CommentAdded", "ProjectRenamed");
    assertThat(items).extracting(e -> ((Number) e.get("sequence")).longValue()).isSorted();

    http.delete().uri("/api/v1/tasks/" + taskId).headers(h -> h.setBearerAuth(member())).exchange()
        .expectStatus().isNoContent();
    get("/api/v1/tasks/" + taskId, viewer()).exchange().expectStatus().isNotFound()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void listsFilterAndPageWithCursors() {
    String projectId = createProject("Filters");
    for (int i = 0; i < 5; i++) {
      createTask(projectId, Map.of("title", "task " + i, "labels", List.of(i % 2 == 0 ? "even" : "odd"),
          "assignee", i < 2 ? "ann" : "ben"));
    }
    get("/api/v1/projects/" + projectId + "/tasks?label=even", viewer()).exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.items.length()").isEqualTo(3);
    get("/api/v1/projects/" + projectId + "/tasks?assignee=ann", viewer()).exchange()
        .expectBody().jsonPath("$.items.length()").isEqualTo(2);
    get("/api/v1/projects/" + projectId + "/tasks?status=DONE", viewer()).exchange()
        .expectBody().jsonPath("$.items.length()").isEqualTo(0);

    var first = get("/api/v1/projects/" + projectId + "/tasks?limit=2", viewer()).exchange()
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat((List<?>) first.get("items")).hasSize(2);
    String cursor = (String) first.get("nextCursor");
    assertThat(cursor).isNotBlank();
    var rest = get("/api/v1/projects/" + projectId + "/tasks?limit=10&cursor=" + cursor, viewer()).exchange()
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat((List<?>) rest.get("items")).hasSize(3);
    assertThat(rest.get("nextCursor")).isNull();
  }

  @Test
  void badInputGetsProblemJsonAndWritesNothing() {
    String projectId = createProject("Bad input");
    String tasks = "/api/v1/projects/" + projectId + "/tasks";
    http.post().uri(tasks).headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"title\": ").exchange()
        .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("malformed JSON"));
    post(tasks, member(), Map.of("title", "  ")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("title");
    post(tasks, member(), Map.of("title", "x", "labels", List.of("<script>"))).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("labels");
    post(tasks, member(), Map.of("title", "x", "dueDate", "next tuesday")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("dueDate");
    post("/api/v1/tasks/not-a-uuid/comments", member(), Map.of("body", "x")).expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    get(tasks + "?status=SOMEDAY", viewer()).exchange().expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    String taskId = createTask(projectId, Map.of("title", "valid"));
    post("/api/v1/tasks/" + taskId + "/move", member(), Map.of("status", "LATER", "position", 1))
        .expectStatus().isBadRequest();
    post(tasks, member(), Map.of("title", "x".repeat(301))).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("title");
    post(tasks, member(), Map.of("title", "huge", "description", "y".repeat(300_000)))
        .expectStatus().isEqualTo(413).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    get("/api/v1/projects/" + java.util.UUID.randomUUID(), viewer()).exchange().expectStatus().isNotFound();

    get(tasks, viewer()).exchange().expectBody().jsonPath("$.items.length()").isEqualTo(1);
  }

  @Test
  void anUnknownFieldAWrongTypeOrAnOutOfRangeNumberIsRefusedByNameAndWritesNothing() {
    String projectId = createProject("Strict input");
    String tasks = "/api/v1/projects/" + projectId + "/tasks";
    post(tasks, member(), Map.of("title", "x", "statuz", "DONE")).expectStatus().isBadRequest()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody().jsonPath("$.field").isEqualTo("statuz")
        .jsonPath("$.detail").value(d -> assertThat(d.toString())
            .startsWith("unknown field 'statuz'").contains("known fields: ").contains("title"));
    post(tasks, member(), Map.of("title", 5)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("title")
        .jsonPath("$.detail").isEqualTo("field 'title' must be a string");
    post(tasks, member(), Map.of("title", "x", "labels", "one")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("labels");
    post(tasks, member(), Map.of("title", "x", "labels", List.of("ok", 3))).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("labels[1]");

    String taskId = createTask(projectId, Map.of("title", "stays as it is"));
    String move = "/api/v1/tasks/" + taskId + "/move";
    post(move, member(), Map.of("status", "DONEE", "position", 0)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("status")
        .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("'DONEE'").contains("TODO, IN_PROGRESS, DONE"));
    post(move, member(), Map.of("status", 2, "position", 0)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("status");
    post(move, member(), Map.of("status", "DONE", "position", "1")).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("position");
    post(move, member(), Map.of("status", "DONE", "position", 1.5)).expectStatus().isBadRequest()
        .expectBody().jsonPath("$.field").isEqualTo("position");
    http.post().uri(move).headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"status\": \"DONE\", \"position\": 99999999999}").exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("position");
    http.post().uri(move).headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"status\": \"DONE\", \"position\": 0} {}").exchange()
        .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    http.patch().uri("/api/v1/projects/" + projectId).headers(h -> h.setBearerAuth(admin()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("archived", "yes")).exchange()
        .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("archived")
        .jsonPath("$.detail").isEqualTo("field 'archived' must be true or false");

    Map<?, ?> task = get("/api/v1/tasks/" + taskId, viewer()).exchange().expectStatus().isOk()
        .expectBody(Map.class).returnResult().getResponseBody();
    assertThat(task.get("status")).isEqualTo("TODO");
    assertThat(task.get("version")).isEqualTo(1);
    get(tasks, viewer()).exchange().expectBody().jsonPath("$.items.length()").isEqualTo(1);
    get("/api/v1/projects/" + projectId, viewer()).exchange().expectBody().jsonPath("$.archived").isEqualTo(false);
  }

  @Test
  void aReadAfterEachWriteSeesThatWrite() {
    String projectId = createProject("Read your writes");
    String taskId = createTask(projectId, Map.of("title", "v1"));
    String uri = "/api/v1/tasks/" + taskId;
    for (int version = 2; version <= 25; version++) {
      // read twice before the write (a remembered read, if the store keeps one), then write, then read
      get(uri, viewer()).exchange().expectBody().jsonPath("$.version").isEqualTo(version - 1);
      get(uri, viewer()).exchange().expectBody().jsonPath("$.version").isEqualTo(version - 1);
      http.patch().uri(uri).headers(h -> h.setBearerAuth(member())).contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("title", "v" + version)).exchange().expectStatus().isOk();
      get(uri, viewer()).exchange().expectBody().jsonPath("$.title").isEqualTo("v" + version)
          .jsonPath("$.version").isEqualTo(version);
    }
    post(uri + "/move", member(), Map.of("status", "DONE", "position", 0)).expectStatus().isOk();
    get(uri, viewer()).exchange().expectBody().jsonPath("$.status").isEqualTo("DONE");
    http.delete().uri(uri).headers(h -> h.setBearerAuth(member())).exchange().expectStatus().is2xxSuccessful();
    get(uri, viewer()).exchange().expectStatus().isNotFound();
  }

  @Test
  void authenticationAndRolesAreEnforced() {
    String projectId = createProject("Secure");
    String tasks = "/api/v1/projects/" + projectId + "/tasks";
    http.get().uri(tasks).exchange().expectStatus().isUnauthorized()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    get(tasks, expired()).exchange().expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).containsIgnoringCase("expired"));
    get(tasks, badSignature()).exchange().expectStatus().isUnauthorized();
    get(tasks, otherTenant()).exchange().expectStatus().isUnauthorized()
        .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("tenant 'globex'"));
    get(tasks, "not.a.jwt").exchange().expectStatus().isUnauthorized();
    get(tasks, viewer()).exchange().expectStatus().isOk();
    post(tasks, viewer(), Map.of("title", "viewers cannot write")).expectStatus().isForbidden()
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    get(tasks, viewer()).exchange().expectBody().jsonPath("$.items.length()").isEqualTo(0);
  }

  @Test
  void theOpenApiDocumentDescribesTheApi() {
    http.get().uri("/api/v1/openapi.json").exchange().expectStatus().isOk()
        .expectBody().jsonPath("$.paths['/api/v1/projects/{projectId}/tasks']").exists()
        .jsonPath("$.paths['/api/v1/tasks/{id}/move']").exists();
  }
}
