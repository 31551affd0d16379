package dev.tenantry.runtime.graphql;

import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.project.Project;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.security.CurrentActor;
import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.Page;
import dev.tenantry.runtime.store.StoredEvent;
import dev.tenantry.runtime.store.Validation;
import dev.tenantry.runtime.task.Comment;
import dev.tenantry.runtime.task.Task;
import dev.tenantry.runtime.task.TaskChanges;
import dev.tenantry.runtime.task.TaskService;
import dev.tenantry.runtime.task.TaskStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work tracker over GraphQL: the same services as REST. Nested lists (project → tasks →
 * comments) are loaded in batches, one query per level, never one per parent.
 */
@Controller
public class WorkTrackerGraphQl {
  private static final String WRITER = "hasAnyAuthority('tenant-admin', 'member')";

  private final ProjectService projects;
  private final TaskService tasks;
  private final EventStore events;
  private final EventBus bus;
  private final RuntimeSettings settings;
  private final JsonMapper json;

  public WorkTrackerGraphQl(ProjectService projects, TaskService tasks, EventStore events, EventBus bus,
      RuntimeSettings settings, JsonMapper json) {
    this.projects = projects;
    this.tasks = tasks;
    this.events = events;
    this.bus = bus;
    this.settings = settings;
    this.json = json;
  }

  public record CreateTaskInput(UUID projectId, String title, String description, String assignee,
      List<String> labels, String dueDate) {}

  public record UpdateTaskInput(String title, String description, List<String> labels, String dueDate) {}

  /** The GraphQL shape of an event: the payload as a JSON string. */
  public record Event(long sequence, String type, String aggregateType, UUID aggregateId, int version, UUID projectId,
      String payload, String actor, String correlationId, String occurredAt) {}

  // -------------------------------------------------------------------------------- queries

  @QueryMapping
  Mono<Page<Project>> projects(@Argument Integer first, @Argument String after) {
    return projects.list(after, first == null ? 0 : first);
  }

  @QueryMapping
  Mono<Project> project(@Argument UUID id) {
    return projects.get(id);
  }

  @QueryMapping
  Mono<Task> task(@Argument UUID id) {
    return tasks.get(id);
  }

  @QueryMapping
  Flux<Event> activity(@Argument Long since, @Argument UUID projectId, @Argument Integer first) {
    return events.after(since == null ? 0 : since, projectId, Page.size(first == null ? 0 : first)).map(this::event);
  }

  @BatchMapping(typeName = "Project", field = "tasks")
  Mono<Map<Project, List<Task>>> tasksOfProjects(List<Project> parents) {
    Map<UUID, Project> byId = parents.stream().collect(Collectors.toMap(Project::id, Function.identity(), (a, b) -> a));
    return tasks.byProjects(byId.keySet()).collectMultimap(Task::projectId).map(grouped -> parents.stream()
        .collect(Collectors.toMap(Function.identity(),
            p -> grouped.getOrDefault(p.id(), List.of()).stream().toList(), (a, b) -> a)));
  }

  @BatchMapping(typeName = "Task", field = "comments")
  Mono<Map<Task, List<Comment>>> commentsOfTasks(List<Task> parents) {
    return tasks.commentsOf(parents.stream().map(Task::id).toList()).collectMultimap(Comment::taskId)
        .map(grouped -> parents.stream().collect(Collectors.toMap(Function.identity(),
            t -> grouped.getOrDefault(t.id(), List.of()).stream().toList(), (a, b) -> a)));
  }

  @BatchMapping(typeName = "Task", field = "project")
  Mono<Map<Task, Project>> projectOfTasks(List<Task> parents) {
    return projects.byIds(parents.stream().map(Task::projectId).collect(Collectors.toSet()))
        .collectMap(Project::id)
        .map(byId -> parents.stream().collect(Collectors.toMap(Function.identity(), t -> byId.get(t.projectId()),
            (a, b) -> a)));
  }

  @SchemaMapping(typeName = "Task", field = "dueDate")
  String dueDate(Task task) {
    return task.dueDate() == null ? null : task.dueDate().toString();
  }

  @SchemaMapping(typeName = "Comment", field = "createdAt")
  String createdAt(Comment comment) {
    return comment.createdAt().toString();
  }

  // -------------------------------------------------------------------------------- mutations

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Project> createProject(@Argument String name) {
    return CurrentActor.get(null).flatMap(actor -> projects.create(actor, name));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Project> renameProject(@Argument UUID id, @Argument String name, @Argument Integer expectedVersion) {
    return CurrentActor.get(null).flatMap(actor -> projects.rename(actor, id, name, expectedVersion));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Project> archiveProject(@Argument UUID id, @Argument Integer expectedVersion) {
    return CurrentActor.get(null).flatMap(actor -> projects.archive(actor, id, expectedVersion));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Task> createTask(@Argument CreateTaskInput input) {
    return CurrentActor.get(null).flatMap(actor -> tasks.create(actor, input.projectId(), input.title(),
        input.description(), input.assignee(), input.labels(), Validation.date("dueDate", input.dueDate())));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Task> updateTask(@Argument UUID id, @Argument UpdateTaskInput input, @Argument Integer expectedVersion) {
    boolean clearDue = input.dueDate() != null && input.dueDate().isEmpty();
    TaskChanges changes = new TaskChanges(Optional.ofNullable(input.title()), Optional.ofNullable(input.description()),
        Optional.ofNullable(input.labels()), Optional.ofNullable(Validation.date("dueDate", input.dueDate())), clearDue);
    return CurrentActor.get(null).flatMap(actor -> tasks.update(actor, id, changes, expectedVersion));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Task> moveTask(@Argument UUID id, @Argument TaskStatus status, @Argument int position,
      @Argument Integer expectedVersion) {
    return CurrentActor.get(null).flatMap(actor -> tasks.move(actor, id, status, position, expectedVersion));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Task> assignTask(@Argument UUID id, @Argument String assignee, @Argument Integer expectedVersion) {
    return CurrentActor.get(null).flatMap(actor -> tasks.assign(actor, id, assignee, expectedVersion));
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<UUID> deleteTask(@Argument UUID id, @Argument Integer expectedVersion) {
    return CurrentActor.get(null).flatMap(actor -> tasks.delete(actor, id, expectedVersion)).map(Task::id);
  }

  @MutationMapping
  @PreAuthorize(WRITER)
  Mono<Comment> addComment(@Argument UUID taskId, @Argument String body) {
    return CurrentActor.get(null).flatMap(actor -> tasks.comment(actor, taskId, body));
  }

  // -------------------------------------------------------------------------------- subscriptions

  @SubscriptionMapping
  Flux<Event> taskEvents(@Argument UUID projectId, @Argument Long since) {
    return projects.get(projectId).thenMany(Flux.defer(() ->
        bus.stream(since == null ? bus.lastPublished() : since, projectId, settings.subscriberBuffer())
            .map(this::event)));
  }

  private Event event(StoredEvent e) {
    return new Event(e.sequence(), e.type(), e.aggregateType(), e.aggregateId(), e.version(), e.projectId(),
        json.writeValueAsString(e.payload()), e.actor(), e.correlationId(), e.occurredAt().toString());
  }

}
