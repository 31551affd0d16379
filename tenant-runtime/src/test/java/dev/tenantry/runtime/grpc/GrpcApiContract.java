package dev.tenantry.runtime.grpc;

import static dev.tenantry.runtime.RuntimeTestSupport.admin;
import static dev.tenantry.runtime.RuntimeTestSupport.member;
import static dev.tenantry.runtime.RuntimeTestSupport.otherTenant;
import static dev.tenantry.runtime.RuntimeTestSupport.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.tenantry.runtime.grpc.v1.AddCommentRequest;
import dev.tenantry.runtime.grpc.v1.CreateProjectRequest;
import dev.tenantry.runtime.grpc.v1.CreateTaskRequest;
import dev.tenantry.runtime.grpc.v1.Event;
import dev.tenantry.runtime.grpc.v1.GetTaskRequest;
import dev.tenantry.runtime.grpc.v1.GetUsageRequest;
import dev.tenantry.runtime.grpc.v1.ListTasksRequest;
import dev.tenantry.runtime.grpc.v1.MoveTaskRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TaskServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TaskStatus;
import dev.tenantry.runtime.grpc.v1.TenantAdminGrpc;
import dev.tenantry.runtime.grpc.v1.UpdateTaskRequest;
import dev.tenantry.runtime.grpc.v1.WatchEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The gRPC API with grpc-java stubs over Netty: calls, streams, health, reflection, status codes. */
public abstract class GrpcApiContract {

  @Autowired
  GrpcServer server;

  ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  ProjectServiceGrpc.ProjectServiceBlockingStub projects(String token) {
    return ProjectServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  TaskServiceGrpc.TaskServiceBlockingStub tasks(String token) {
    return TaskServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void unaryCallsCreateReadAndChangeTasks() {
    var project = projects(member()).createProject(CreateProjectRequest.newBuilder().setName("gRPC board").build());
    assertThat(project.getVersion()).isEqualTo(1);
    var task = tasks(member()).createTask(CreateTaskRequest.newBuilder().setProjectId(project.getId())
        .setTitle("Ship protos").addLabels("api").setDueDate("2027-01-15").build());
    assertThat(task.getStatus()).isEqualTo(TaskStatus.TODO);
    assertThat(task.getDueDate()).isEqualTo("2027-01-15");

    var moved = tasks(member()).moveTask(MoveTaskRequest.newBuilder().setId(task.getId())
        .setStatus(TaskStatus.IN_PROGRESS).setPosition(1).setExpectedVersion(1).build());
    assertThat(moved.getVersion()).isEqualTo(2);
    var updated = tasks(member()).updateTask(UpdateTaskRequest.newBuilder().setId(task.getId())
        .setTitle(StringValue.of("Ship the protos")).setSetLabels(true).addLabels("api").addLabels("v1").build());
    assertThat(updated.getTitle()).isEqualTo("Ship the protos");
    assertThat(updated.getLabelsList()).containsExactly("api", "v1");
    tasks(member()).addComment(AddCommentRequest.newBuilder().setTaskId(task.getId()).setBody("nice").build());

    var read = tasks(viewer()).getTask(GetTaskRequest.newBuilder().setId(task.getId()).build());
    assertThat(read).isEqualTo(updated);
    var listed = tasks(viewer()).listTasks(ListTasksRequest.newBuilder().setProjectId(project.getId())
        .setStatus(TaskStatus.IN_PROGRESS).build());
    assertThat(listed.getTasksList()).extracting(t -> t.getId()).containsExactly(task.getId());

    var usage = TenantAdminGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(admin()))
        .getUsage(GetUsageRequest.getDefaultInstance());
    assertThat(usage.getProjects()).isPositive();
    assertThat(usage.getTasks()).isPositive();
    assertThat(usage.getEvents()).isGreaterThanOrEqualTo(5);
    assertThat(usage.getStorageBytes()).isPositive();
  }

  @Test
  void errorsUseTheRightStatusCodes() {
    var project = projects(member()).createProject(CreateProjectRequest.newBuilder().setName("Codes").build());
    assertCode(() -> tasks(member()).createTask(CreateTaskRequest.newBuilder().setProjectId(project.getId())
        .setTitle("").build()), Status.Code.INVALID_ARGUMENT, "title");
    assertCode(() -> tasks(member()).getTask(GetTaskRequest.newBuilder().setId("nope").build()),
        Status.Code.INVALID_ARGUMENT, "id");
    assertCode(() -> tasks(viewer()).getTask(GetTaskRequest.newBuilder()
        .setId("00000000-0000-0000-0000-000000000000").build()), Status.Code.NOT_FOUND, "not found");
    var task = tasks(member()).createTask(CreateTaskRequest.newBuilder().setProjectId(project.getId())
        .setTitle("t").build());
    assertCode(() -> tasks(member()).moveTask(MoveTaskRequest.newBuilder().setId(task.getId())
        .setStatus(TaskStatus.DONE).setExpectedVersion(7).build()), Status.Code.ABORTED, "version 1");
    assertCode(() -> tasks(member()).moveTask(MoveTaskRequest.newBuilder().setId(task.getId()).build()),
        Status.Code.INVALID_ARGUMENT, "status");
    // a newer client's enum value this server does not know: refused, not read as "no status"
    assertCode(() -> tasks(member()).moveTask(MoveTaskRequest.newBuilder().setId(task.getId())
        .setStatusValue(7).build()), Status.Code.INVALID_ARGUMENT, "unknown status value 7");
    assertCode(() -> tasks(viewer()).listTasks(ListTasksRequest.newBuilder().setProjectId(project.getId())
        .setStatusValue(9).build()), Status.Code.INVALID_ARGUMENT, "unknown status value 9");
    assertCode(() -> TaskServiceGrpc.newBlockingStub(channel).getTask(GetTaskRequest.newBuilder()
        .setId(task.getId()).build()), Status.Code.UNAUTHENTICATED, "missing bearer token");
    assertCode(() -> tasks(otherTenant()).getTask(GetTaskRequest.newBuilder().setId(task.getId()).build()),
        Status.Code.UNAUTHENTICATED, "globex");
    assertCode(() -> tasks(viewer()).moveTask(MoveTaskRequest.newBuilder().setId(task.getId())
        .setStatus(TaskStatus.DONE).build()), Status.Code.PERMISSION_DENIED, "writes");
    assertCode(() -> TenantAdminGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(member()))
        .getUsage(GetUsageRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED, "tenant-admin");
    assertThat(tasks(viewer()).getTask(GetTaskRequest.newBuilder().setId(task.getId()).build()).getVersion())
        .as("nothing written by refused calls").isEqualTo(1);
  }

  @Test
  void watchEventsStreamsHistoryThenLiveEventsAndHonoursDeadlines() throws Exception {
    var project = projects(member()).createProject(CreateProjectRequest.newBuilder().setName("Stream").build());
    tasks(member()).createTask(CreateTaskRequest.newBuilder().setProjectId(project.getId()).setTitle("one").build());

    List<Event> received = new ArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    var call = TaskServiceGrpc.newStub(channel).withCallCredentials(new BearerToken(viewer()));
    io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
    context.run(() -> call.watchEvents(WatchEventsRequest.newBuilder().setProjectId(project.getId()).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Event event) {
            synchronized (received) {
              received.add(event);
            }
            three.countDown();
          }

          @Override
          public void onError(Throwable t) { }

          @Override
          public void onCompleted() { }
        }));
    tasks(member()).createTask(CreateTaskRequest.newBuilder().setProjectId(project.getId()).setTitle("two").build());
    assertThat(three.await(10, TimeUnit.SECONDS)).as("history and the live event arrived").isTrue();
    context.cancel(null);
    synchronized (received) {
      assertThat(received).extracting(Event::getType).containsExactly("ProjectCreated", "TaskCreated", "TaskCreated");
      assertThat(received).extracting(Event::getSequence).isSorted().doesNotHaveDuplicates();
      assertThat(received.get(2).getPayloadJson()).contains("\"title\":\"two\"");
    }

    Iterator<Event> bounded = TaskServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerToken(viewer()))
        .withDeadlineAfter(700, TimeUnit.MILLISECONDS)
        .watchEvents(WatchEventsRequest.newBuilder().setProjectId(project.getId()).setSince(received.get(2).getSequence())
            .build());
    assertCode(bounded::hasNext, Status.Code.DEADLINE_EXCEEDED, "");
  }

  @Test
  void healthAndReflectionAnswerWithoutAToken() {
    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    List<ServerReflectionResponse> responses = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse response) {
            responses.add(response);
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    try {
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(responses.get(0).getListServicesResponse().getServiceList()).extracting(s -> s.getName())
        .contains("tenantry.runtime.v1.ProjectService", "tenantry.runtime.v1.TaskService",
            "tenantry.runtime.v1.TenantAdmin", "grpc.health.v1.Health");
  }

  static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String text) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(String.valueOf(e.getStatus().getDescription())).contains(text);
    });
  }
}
