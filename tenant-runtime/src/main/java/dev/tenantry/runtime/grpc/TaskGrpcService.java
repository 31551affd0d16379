package dev.tenantry.runtime.grpc;

import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.grpc.v1.AddCommentRequest;
import dev.tenantry.runtime.grpc.v1.AssignTaskRequest;
import dev.tenantry.runtime.grpc.v1.Comment;
import dev.tenantry.runtime.grpc.v1.CreateTaskRequest;
import dev.tenantry.runtime.grpc.v1.DeleteTaskRequest;
import dev.tenantry.runtime.grpc.v1.DeleteTaskResponse;
import dev.tenantry.runtime.grpc.v1.Event;
import dev.tenantry.runtime.grpc.v1.GetTaskRequest;
import dev.tenantry.runtime.grpc.v1.ListCommentsRequest;
import dev.tenantry.runtime.grpc.v1.ListCommentsResponse;
import dev.tenantry.runtime.grpc.v1.ListTasksRequest;
import dev.tenantry.runtime.grpc.v1.ListTasksResponse;
import dev.tenantry.runtime.grpc.v1.MoveTaskRequest;
import dev.tenantry.runtime.grpc.v1.Task;
import dev.tenantry.runtime.grpc.v1.TaskServiceGrpc;
import dev.tenantry.runtime.grpc.v1.UpdateTaskRequest;
import dev.tenantry.runtime.grpc.v1.WatchEventsRequest;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.Validation;
import dev.tenantry.runtime.task.TaskChanges;
import dev.tenantry.runtime.task.TaskFilter;
import dev.tenantry.runtime.task.TaskService;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** {@code tenantry.runtime.v1.TaskService} over the task service and the event bus. */
final class TaskGrpcService extends TaskServiceGrpc.TaskServiceImplBase {
  private final TaskService tasks;
  private final EventBus bus;
  private final RuntimeSettings settings;
  private final JsonMapper json;

  TaskGrpcService(TaskService tasks, EventBus bus, RuntimeSettings settings, JsonMapper json) {
    this.tasks = tasks;
    this.bus = bus;
    this.settings = settings;
    this.json = json;
  }

  @Override
  public void createTask(CreateTaskRequest request, StreamObserver<Task> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> tasks.create(actor, Protos.id("project_id", request.getProjectId()),
        request.getTitle(), Protos.emptyToNull(request.getDescription()), Protos.emptyToNull(request.getAssignee()),
        request.getLabelsList(), Validation.date("due_date", request.getDueDate()))), Protos::task, observer);
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> observer) {
    Reactive.unary(Mono.defer(() -> tasks.get(Protos.id("id", request.getId()))), Protos::task, observer);
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> observer) {
    Reactive.unary(Mono.defer(() -> tasks.list(Protos.id("project_id", request.getProjectId()),
            new TaskFilter(Protos.status(request.getStatusValue()), Protos.emptyToNull(request.getAssignee()),
                Protos.emptyToNull(request.getLabel())),
            request.getPageToken(), request.getPageSize())),
        page -> ListTasksResponse.newBuilder().addAllTasks(page.items().stream().map(Protos::task).toList())
            .setNextPageToken(page.nextCursor() == null ? "" : page.nextCursor()).build(),
        observer);
  }

  @Override
  public void updateTask(UpdateTaskRequest request, StreamObserver<Task> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> {
      boolean clearDue = request.hasDueDate() && request.getDueDate().getValue().isEmpty();
      TaskChanges changes = new TaskChanges(
          request.hasTitle() ? Optional.of(request.getTitle().getValue()) : Optional.empty(),
          request.hasDescription() ? Optional.of(request.getDescription().getValue()) : Optional.empty(),
          request.getSetLabels() ? Optional.of(request.getLabelsList()) : Optional.empty(),
          request.hasDueDate() ? Optional.ofNullable(Validation.date("due_date", request.getDueDate().getValue()))
              : Optional.empty(),
          clearDue);
      return tasks.update(actor, Protos.id("id", request.getId()), changes, Protos.version(request.getExpectedVersion()));
    }), Protos::task, observer);
  }

  @Override
  public void moveTask(MoveTaskRequest request, StreamObserver<Task> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> {
      var status = Protos.status(request.getStatusValue());
      if (status == null) {
        throw new DomainException.Invalid("status", "must be TODO, IN_PROGRESS or DONE");
      }
      return tasks.move(actor, Protos.id("id", request.getId()), status, request.getPosition(),
          Protos.version(request.getExpectedVersion()));
    }), Protos::task, observer);
  }

  @Override
  public void assignTask(AssignTaskRequest request, StreamObserver<Task> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> tasks.assign(actor, Protos.id("id", request.getId()),
        Protos.emptyToNull(request.getAssignee()), Protos.version(request.getExpectedVersion()))), Protos::task, observer);
  }

  @Override
  public void deleteTask(DeleteTaskRequest request, StreamObserver<DeleteTaskResponse> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> tasks.delete(actor, Protos.id("id", request.getId()),
        Protos.version(request.getExpectedVersion()))), deleted -> DeleteTaskResponse.getDefaultInstance(), observer);
  }

  @Override
  public void addComment(AddCommentRequest request, StreamObserver<Comment> observer) {
    var actor = GrpcAuthentication.ACTOR.get();
    Reactive.unary(Mono.defer(() -> tasks.comment(actor, Protos.id("task_id", request.getTaskId()), request.getBody())),
        Protos::comment, observer);
  }

  @Override
  public void listComments(ListCommentsRequest request, StreamObserver<ListCommentsResponse> observer) {
    Reactive.unary(Mono.defer(() -> tasks.comments(Protos.id("task_id", request.getTaskId())).collectList()),
        comments -> ListCommentsResponse.newBuilder().addAllComments(comments.stream().map(Protos::comment).toList())
            .build(),
        observer);
  }

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<Event> observer) {
    Flux<Event> events = Flux.defer(() -> {
      if (request.getSince() < 0) {
        throw new DomainException.Invalid("since", "must be >= 0");
      }
      UUID project = request.getProjectId().isEmpty() ? null : Protos.id("project_id", request.getProjectId());
      return bus.stream(request.getSince(), project, settings.subscriberBuffer()).map(e -> Protos.event(e, json));
    });
    Reactive.stream(events, e -> e, observer);
  }
}
