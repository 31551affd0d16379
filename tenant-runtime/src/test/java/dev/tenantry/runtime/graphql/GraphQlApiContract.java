package dev.tenantry.runtime.graphql;

import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.graphql.test.tester.WebSocketGraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.test.StepVerifier;

/** The GraphQL API over HTTP and graphql-transport-ws, with spring-graphql's testers. */
public abstract class GraphQlApiContract {

  @LocalServerPort
  int port;

  HttpGraphQlTester graphql;
  HttpGraphQlTester readOnly;

  @BeforeEach
  void testers() {
    graphql = tester(member());
    readOnly = tester(viewer());
  }

  HttpGraphQlTester tester(String token) {
    return HttpGraphQlTester.create(WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port + "/graphql")
        .defaultHeaders(h -> h.setBearerAuth(token)).build());
  }

  String createProject(String name) {
    return graphql.document("mutation($n: String!) { createProject(name: $n) { id } }").variable("n", name)
        .execute().path("createProject.id").entity(String.class).get();
  }

  String createTask(String projectId, String title) {
    return graphql.document("mutation($p: ID!, $t: String!) { createTask(input: {projectId: $p, title: $t,"
            + " labels: [\"gql\"]}) { id version } }")
        .variable("p", projectId).variable("t", title)
        .execute().path("createTask.id").entity(String.class).get();
  }

  @Test
  void nestedQueriesReadProjectsTasksAndComments() {
    String projectId = createProject("GraphQL board");
    String taskId = createTask(projectId, "Design schema");
    createTask(projectId, "Batch loaders");
    graphql.document("mutation($t: ID!) { addComment(taskId: $t, body: \"looks good\") { author body } }")
        .variable("t", taskId).execute().path("addComment.author").entity(String.class).isEqualTo("bob");

    readOnly.document("query($p: ID!) { project(id: $p) { name tasks { title labels project { name }"
            + " comments { body author } } } }")
        .variable("p", projectId)
        .execute()
        .path("project.name").entity(String.class).isEqualTo("GraphQL board")
        .path("project.tasks[*].title").entityList(String.class).containsExactly("Design schema", "Batch loaders")
        .path("project.tasks[0].comments[0].body").entity(String.class).isEqualTo("looks good")
        .path("project.tasks[1].project.name").entity(String.class).isEqualTo("GraphQL board");

    readOnly.document("{ projects(first: 200) { items { id } nextCursor } }").execute()
        .path("projects.items[*].id").entityList(String.class).contains(projectId);
    readOnly.document("query($p: ID!) { activity(projectId: $p) { sequence type payload } }").variable("p", projectId)
        .execute().path("activity[*].type").entityList(String.class)
        .containsExactly("ProjectCreated", "TaskCreated", "TaskCreated", "CommentAdded");
  }

  @Test
  void mutationsCheckVersionsAndNameTheBadField() {
    String projectId = createProject("Mutations");
    String taskId = createTask(projectId, "Move me");
    graphql.document("mutation($id: ID!) { moveTask(id: $id, status: DONE, position: 0, expectedVersion: 1) {"
            + " status version } }").variable("id", taskId)
        .execute().path("moveTask.status").entity(String.class).isEqualTo("DONE")
        .path("moveTask.version").entity(Integer.class).isEqualTo(2);
    graphql.document("mutation($id: ID!) { moveTask(id: $id, status: TODO, position: 0, expectedVersion: 1) {"
            + " version } }").variable("id", taskId)
        .execute().errors().satisfy(errors -> {
          assertThat(errors).hasSize(1);
          assertThat(errors.get(0).getExtensions()).containsEntry("code", "CONFLICT").containsEntry("currentVersion", 2);
        });
    graphql.document("mutation($p: ID!) { createTask(input: {projectId: $p, title: \"\"}) { id } }")
        .variable("p", projectId)
        .execute().errors().satisfy(errors ->
            assertThat(errors.get(0).getExtensions()).containsEntry("field", "title").containsEntry("code",
                "INVALID_ARGUMENT"));
    graphql.document("mutation($id: ID!) { updateTask(id: $id, input: {dueDate: \"soon\"}) { id } }")
        .variable("id", taskId)
        .execute().errors().satisfy(errors -> assertThat(errors.get(0).getExtensions()).containsEntry("field", "dueDate"));
    graphql.document("mutation { moveTask(id: \"" + taskId + "\", status: SOMEDAY, position: 0) { id } }")
        .execute().errors().satisfy(errors -> assertThat(errors).isNotEmpty());
    readOnly.document("query($id: ID!) { task(id: $id) { status version } }").variable("id", taskId)
        .execute().path("task.version").entity(Integer.class).isEqualTo(2);
  }

  @Test
  void viewersCannotMutateAndBadDocumentsAreRefused() {
    String projectId = createProject("Read only");
    readOnly.document("mutation($p: ID!) { createTask(input: {projectId: $p, title: \"nope\"}) { id } }")
        .variable("p", projectId)
        .execute().errors().satisfy(errors ->
            assertThat(errors.get(0).getErrorType().toString()).isEqualTo("FORBIDDEN"));
    readOnly.document("query($p: ID!) { project(id: $p) { tasks { id } } }").variable("p", projectId)
        .execute().path("project.tasks").entityList(Object.class).hasSize(0);

    graphql.document("{ projects { items { id }").execute().errors()
        .satisfy(errors -> assertThat(errors.get(0).getErrorType().toString()).isEqualTo("InvalidSyntax"));
    String deep = "{ projects { items { tasks { project { tasks { project { tasks { project { tasks { id }"
        + " } } } } } } } } }";
    graphql.document(deep).execute().errors()
        .satisfy(errors -> assertThat(errors.get(0).getMessage()).containsIgnoringCase("depth"));
    graphql.document("{ task(id: \"not-a-uuid\") { id } }").execute().errors()
        .satisfy(errors -> assertThat(errors).isNotEmpty());
  }

  @Test
  void subscriptionsOverWebSocketResumeFromASequence() {
    String projectId = createProject("Live");
    createTask(projectId, "before subscribing");
    WebSocketGraphQlTester live = WebSocketGraphQlTester.builder(URI.create("ws://127.0.0.1:" + port + "/graphql"),
            new ReactorNettyWebSocketClient())
        .headers(h -> h.setBearerAuth(viewer()))
        .build();
    var events = live.document("subscription($p: ID!) { taskEvents(projectId: $p, since: 0) { sequence type"
            + " payload } }")
        .variable("p", projectId)
        .executeSubscription()
        .toFlux("taskEvents", Map.class);
    StepVerifier.create(events)
        .assertNext(e -> assertThat(e.get("type")).isEqualTo("ProjectCreated"))
        .assertNext(e -> assertThat(e.get("type")).isEqualTo("TaskCreated"))
        .then(() -> createTask(projectId, "while subscribed"))
        .assertNext(e -> {
          assertThat(e.get("type")).isEqualTo("TaskCreated");
          assertThat(e.get("payload").toString()).contains("while subscribed");
        })
        .thenCancel()
        .verify(Duration.ofSeconds(20));
    live.stop().block(Duration.ofSeconds(5));
  }
}
