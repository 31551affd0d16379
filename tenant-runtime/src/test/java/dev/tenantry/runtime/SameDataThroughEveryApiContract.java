package dev.tenantry.runtime;

import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.runtime.grpc.BearerToken;
import dev.tenantry.runtime.grpc.GrpcServer;
import dev.tenantry.runtime.grpc.v1.GetTaskRequest;
import dev.tenantry.runtime.grpc.v1.MoveTaskRequest;
import dev.tenantry.runtime.grpc.v1.TaskServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TaskStatus;
import dev.tenantry.runtime.websocket.EventSocket;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** One scenario written through three APIs and read back through all four: one model, the same data. */
public abstract class SameDataThroughEveryApiContract {
  @LocalServerPort
  int port;

  @Autowired
  GrpcServer grpc;

  @Test
  void restGraphQlGrpcAndWebSocketSeeTheSameTask() throws Exception {
    WebTestClient rest = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    String projectId = rest.post().uri("/api/v1/projects").headers(h -> h.setBearerAuth(member()))
        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Everywhere")).exchange()
        .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();

    HttpGraphQlTester graphql = HttpGraphQlTester.create(WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port + "/graphql").defaultHeaders(h -> h.setBearerAuth(member())).build());
    String taskId = graphql.document("mutation($p: ID!) { createTask(input: {projectId: $p, title: \"Same\","
            + " labels: [\"x\"], dueDate: \"2027-02-01\"}) { id } }").variable("p", projectId)
        .execute().path("createTask.id").entity(String.class).get();

    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    try {
      var stub = TaskServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
      stub.withCallCredentials(new BearerToken(member())).moveTask(MoveTaskRequest.newBuilder().setId(taskId)
          .setStatus(TaskStatus.DONE).setPosition(2).build());
      var viaGrpc = stub.withCallCredentials(new BearerToken(viewer()))
          .getTask(GetTaskRequest.newBuilder().setId(taskId).build());

      var viaRest = rest.get().uri("/api/v1/tasks/" + taskId).headers(h -> h.setBearerAuth(viewer())).exchange()
          .expectBody(Map.class).returnResult().getResponseBody();
      var viaGraphql = graphql.document("query($id: ID!) { task(id: $id) { title status position labels dueDate"
          + " version } }").variable("id", taskId).execute().path("task").entity(Map.class).get();

      assertThat(viaRest).containsEntry("status", "DONE").containsEntry("position", 2).containsEntry("version", 2)
          .containsEntry("dueDate", "2027-02-01");
      assertThat(viaGraphql).containsEntry("title", viaRest.get("title")).containsEntry("status", "DONE")
          .containsEntry("position", 2).containsEntry("version", 2).containsEntry("dueDate", "2027-02-01")
          .containsEntry("labels", List.of("x"));
      assertThat(viaGrpc.getTitle()).isEqualTo(viaRest.get("title"));
      assertThat(viaGrpc.getStatus()).isEqualTo(TaskStatus.DONE);
      assertThat(viaGrpc.getPosition()).isEqualTo(2);
      assertThat(viaGrpc.getVersion()).isEqualTo(2);
      assertThat(viaGrpc.getDueDate()).isEqualTo("2027-02-01");
    } finally {
      channel.shutdownNow();
    }

    List<JsonNode> messages = EventSocket.converse(port, viewer(),
        List.of("{\"type\":\"subscribe\",\"projectId\":\"" + projectId + "\",\"since\":0}"), 4, null);
    assertThat(messages).extracting(m -> m.path("type").asString())
        .containsExactly("subscribed", "event", "event", "event");
    JsonNode lastEvent = messages.get(3);
    assertThat(lastEvent.path("event").path("type").asString()).isEqualTo("TaskMoved");
    assertThat(lastEvent.path("event").path("payload").path("status").asString()).isEqualTo("DONE");
    assertThat(lastEvent.path("event").path("payload").path("version").asInt()).isEqualTo(2);
  }
}
