package dev.tenantry.runtime.task;

import dev.tenantry.runtime.events.CommandRunner;
import dev.tenantry.runtime.events.ReadCache;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.store.Actor;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.NewEvent;
import dev.tenantry.runtime.store.Page;
import dev.tenantry.runtime.store.Validation;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Commands (create, update, move, assign, delete, comment) and queries of tasks and their comments. */
@Service
public class TaskService {
  public static final String AGGREGATE = "task";
  public static final String COMMENT_AGGREGATE = "comment";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final int READ_CACHE_SIZE = 10_000;

  private final DatabaseClient db;
  private final EventStore events;
  private final CommandRunner commands;
  private final ProjectService projects;
  private final TaskProjection projection;
  private final JsonMapper json;
  /** Reads by id between writes; only where this process is the store's one writer (embedded). */
  private final ReadCache<UUID, Task> byId;

  public TaskService(DatabaseClient db, EventStore events, CommandRunner commands, ProjectService projects,
      TaskProjection projection, JsonMapper json, RuntimeSettings settings) {
    this.db = db;
    this.events = events;
    this.commands = commands;
    this.projects = projects;
    this.projection = projection;
    this.json = json;
    this.byId = settings.usesPostgres() ? null : commands.readCache(READ_CACHE_SIZE);
  }

  public Mono<Task> create(Actor actor, UUID projectId, String title, String description, String assignee,
      List<String> labels, LocalDate dueDate) {
    String validTitle = Validation.text("title", title, 300);
    String validDescription = Validation.optionalText("description", description, 10_000);
    String validAssignee = blankToNull(Validation.optionalText("assignee", assignee, 255));
    List<String> validLabels = Validation.labels(labels);
    UUID id = UUID.randomUUID();
    return commands.run(projects.lockForUpdate(projectId).flatMap(project -> {
      if (project.archived()) {
        return Mono.error(new DomainException.Conflict("project " + projectId + " is archived", project.version()));
      }
      // the project's row is locked: its next TODO position is this task's, and the projection moves it on
      return db.sql("SELECT next_todo_position FROM projects WHERE id = :p")
          .bind("p", projectId).map(row -> ((Number) row.get("next_todo_position")).intValue()).one()
          .flatMap(position -> {
            Task task = new Task(id, projectId, validTitle, validDescription, TaskStatus.TODO, position, validAssignee,
                validLabels, dueDate, 1);
            return events.append(actor,
                    List.of(new NewEvent(id, AGGREGATE, 1, "TaskCreated", projectId, TaskProjection.payload(task))))
                .flatMap(stored -> projection.created(task, stored.get(0).sequence()))
                .thenReturn(task);
          });
    }));
  }

  public Mono<Task> update(Actor actor, UUID id, TaskChanges changes, Integer expectedVersion) {
    String title = changes.title().map(t -> Validation.text("title", t, 300)).orElse(null);
    String description = changes.description().map(d -> Validation.optionalText("description", d, 10_000)).orElse(null);
    List<String> labels = changes.labels().map(Validation::labels).orElse(null);
    return change(actor, id, expectedVersion, "TaskUpdated", current -> current.with(
        title != null ? title : current.title(),
        changes.description().isPresent() ? blankToNull(description) : current.description(),
        current.status(), current.position(), current.assignee(),
        labels != null ? labels : current.labels(),
        changes.clearDueDate() ? null : changes.dueDate().orElse(current.dueDate())));
  }

  public Mono<Task> move(Actor actor, UUID id, TaskStatus status, int position, Integer expectedVersion) {
    if (status == null) {
      throw new DomainException.Invalid("status", "must be one of TODO, IN_PROGRESS, DONE");
    }
    int validPosition = Validation.position(position);
    return change(actor, id, expectedVersion, "TaskMoved", current -> current.with(current.title(),
        current.description(), status, validPosition, current.assignee(), current.labels(), current.dueDate()));
  }

  public Mono<Task> assign(Actor actor, UUID id, String assignee, Integer expectedVersion) {
    String validAssignee = blankToNull(Validation.optionalText("assignee", assignee, 255));
    return change(actor, id, expectedVersion, "TaskAssigned", current -> current.with(current.title(),
        current.description(), current.status(), current.position(), validAssignee, current.labels(),
        current.dueDate()));
  }

  public Mono<Task> delete(Actor actor, UUID id, Integer expectedVersion) {
    return commands.run(lockForUpdate(id).flatMap(current -> {
      Validation.expectVersion("task", id, expectedVersion, current.version());
      return events.append(actor, List.of(new NewEvent(id, AGGREGATE, current.version() + 1, "TaskDeleted",
              current.projectId(), Map.of("id", id.toString()))))
          .then(projection.deleted(id))
          .thenReturn(current);
    }));
  }

  public Mono<Comment> comment(Actor actor, UUID taskId, String body) {
    String validBody = Validation.text("body", body, 10_000);
    UUID id = UUID.randomUUID();
    return commands.run(lockForUpdate(taskId).flatMap(task -> {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("taskId", taskId.toString());
      payload.put("author", actor.subject());
      payload.put("body", validBody);
      return events.append(actor, List.of(new NewEvent(id, COMMENT_AGGREGATE, 1, "CommentAdded", task.projectId(),
              payload)))
          .flatMap(stored -> {
            Instant at = stored.get(0).occurredAt();
            return projection.commented(id, taskId, actor.subject(), validBody, at, stored.get(0).sequence())
                .thenReturn(new Comment(id, taskId, actor.subject(), validBody, at));
          });
    }));
  }

  private Mono<Task> change(Actor actor, UUID id, Integer expectedVersion, String type,
      java.util.function.UnaryOperator<Task> apply) {
    return commands.run(lockForUpdate(id).flatMap(current -> {
      Validation.expectVersion("task", id, expectedVersion, current.version());
      Task next = apply.apply(current);
      boolean placedInTodo = next.status() == TaskStatus.TODO
          && (current.status() != next.status() || current.position() != next.position());
      return events.append(actor, List.of(new NewEvent(id, AGGREGATE, next.version(), type, next.projectId(),
              TaskProjection.payload(next))))
          .then(projection.changed(next))
          .then(placedInTodo ? projection.keepNewTasksAfter(next) : Mono.empty())
          .thenReturn(next);
    }));
  }

  // ------------------------------------------------------------------------------- queries

  public Mono<Task> lockForUpdate(UUID id) {
    return db.sql("SELECT * FROM tasks WHERE id = :id FOR UPDATE").bind("id", id).map(this::task).one()
        .switchIfEmpty(Mono.error(() -> new DomainException.NotFound("task", id)));
  }

  public Mono<Task> get(UUID id) {
    return (byId == null ? load(id) : byId.get(id, this::load))
        .switchIfEmpty(Mono.error(() -> new DomainException.NotFound("task", id)));
  }

  private Mono<Task> load(UUID id) {
    return db.sql("SELECT * FROM tasks WHERE id = :id").bind("id", id).map(this::task).one();
  }

  /** Tasks of a project in creation order after the cursor, filtered. */
  public Mono<Page<Task>> list(UUID projectId, TaskFilter filter, String cursor, int limit) {
    long after = Page.decode(cursor);
    int size = Page.size(limit);
    StringBuilder sql = new StringBuilder("SELECT t.* FROM tasks t WHERE t.project_id = :project AND t.created_seq > :after");
    if (filter.status() != null) {
      sql.append(" AND t.status = :status");
    }
    if (filter.assignee() != null) {
      sql.append(" AND t.assignee = :assignee");
    }
    if (filter.label() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM task_labels l WHERE l.task_id = t.id AND l.label = :label)");
    }
    sql.append(" ORDER BY t.created_seq LIMIT :limit");
    var spec = db.sql(sql.toString()).bind("project", projectId).bind("after", after).bind("limit", size + 1);
    if (filter.status() != null) {
      spec = spec.bind("status", filter.status().name());
    }
    if (filter.assignee() != null) {
      spec = spec.bind("assignee", filter.assignee());
    }
    if (filter.label() != null) {
      spec = spec.bind("label", filter.label());
    }
    return projects.get(projectId).then(spec
        .map((row, meta) -> new Page.Row<>(task(row), row.get("created_seq", Long.class)))
        .all().collectList()
        .map(rows -> Page.of(rows, size)));
  }

  /** Tasks of several projects in one query (GraphQL batches project → tasks). */
  public Flux<Task> byProjects(Collection<UUID> projectIds) {
    if (projectIds.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("SELECT * FROM tasks WHERE project_id IN (:ids) ORDER BY created_seq")
        .bind("ids", List.copyOf(projectIds)).map(this::task).all();
  }

  public Flux<Comment> comments(UUID taskId) {
    return get(taskId).thenMany(commentsOf(List.of(taskId)));
  }

  /** Comments of several tasks in one query. */
  public Flux<Comment> commentsOf(Collection<UUID> taskIds) {
    if (taskIds.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("SELECT * FROM comments WHERE task_id IN (:ids) ORDER BY created_seq")
        .bind("ids", List.copyOf(taskIds))
        .map(row -> new Comment(row.get("id", UUID.class), row.get("task_id", UUID.class),
            row.get("author", String.class), row.get("body", String.class),
            row.get("created_at", OffsetDateTime.class).toInstant()))
        .all();
  }

  private Task task(Readable row) {
    return new Task(
        row.get("id", UUID.class),
        row.get("project_id", UUID.class),
        row.get("title", String.class),
        row.get("description", String.class),
        TaskStatus.valueOf(row.get("status", String.class)),
        row.get("position", Integer.class),
        row.get("assignee", String.class),
        json.readValue(row.get("labels", String.class), STRINGS),
        row.get("due_date", LocalDate.class),
        row.get("version", Integer.class));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
