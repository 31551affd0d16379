package dev.tenantry.runtime.task;

import dev.tenantry.runtime.store.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The write side of the task tables (tasks, their labels, comments) and the task events'
 * payloads: commands and a replay of the event log go through the same code, so a store
 * rebuilt from its log has the same rows as the one that wrote it.
 */
@Component
public class TaskProjection {
  private final DatabaseClient db;
  private final JsonMapper json;

  public TaskProjection(DatabaseClient db, JsonMapper json) {
    this.db = db;
    this.json = json;
  }

  /** A new task (always in TODO): its rows, and new tasks of its project go after it. */
  Mono<Void> created(Task task, long sequence) {
    return bindTask(db.sql("INSERT INTO tasks (id, project_id, title, description, status, position, assignee, labels,"
            + " due_date, version, created_seq) VALUES (:id, :projectId, :title, :description, :status, :position,"
            + " :assignee, :labels, :dueDate, :version, :seq)"), task)
        .bind("projectId", task.projectId())
        .bind("seq", sequence)
        .then()
        .then(replaceLabels(task))
        .then(keepNewTasksAfter(task));
  }

  Mono<Void> changed(Task task) {
    return bindTask(db.sql("UPDATE tasks SET title = :title, description = :description, status = :status,"
            + " position = :position, assignee = :assignee, labels = :labels, due_date = :dueDate, version = :version"
            + " WHERE id = :id"), task)
        .then()
        .then(replaceLabels(task));
  }

  /** New tasks of the project go after this one, which was just placed in TODO. */
  Mono<Void> keepNewTasksAfter(Task task) {
    return db.sql("UPDATE projects SET next_todo_position = :next WHERE id = :p AND next_todo_position < :next")
        .bind("next", task.position() + 1).bind("p", task.projectId()).then();
  }

  Mono<Void> deleted(UUID id) {
    return db.sql("DELETE FROM tasks WHERE id = :id").bind("id", id).then();
  }

  Mono<Void> commented(UUID id, UUID taskId, String author, String body, Instant at, long sequence) {
    return db.sql("INSERT INTO comments (id, task_id, author, body, created_at, created_seq)"
            + " VALUES (:id, :task, :author, :body, :at, :seq)")
        .bind("id", id).bind("task", taskId).bind("author", author).bind("body", body)
        .bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).bind("seq", sequence)
        .then();
  }

  /**
   * Applies one event of a task or comment from the log. A task's events carry its whole
   * state, so each one is applied as written; placing in TODO is applied whenever the task is
   * in TODO, which changes nothing when it already was (the project's next position only grows).
   */
  public Mono<Void> replay(StoredEvent event) {
    return switch (event.type()) {
      case "TaskCreated" -> created(task(event.payload()), event.sequence());
      case "TaskUpdated", "TaskMoved", "TaskAssigned" -> {
        Task task = task(event.payload());
        yield changed(task).then(task.status() == TaskStatus.TODO ? keepNewTasksAfter(task) : Mono.empty());
      }
      case "TaskDeleted" -> deleted(event.aggregateId());
      case "CommentAdded" -> commented(event.aggregateId(), UUID.fromString((String) event.payload().get("taskId")),
          (String) event.payload().get("author"), (String) event.payload().get("body"), event.occurredAt(),
          event.sequence());
      default -> Mono.error(new IllegalArgumentException("event " + event.sequence() + ": unknown type '"
          + event.type() + "' of aggregate " + event.aggregateType()));
    };
  }

  /** A task's whole state, as its events carry it. */
  static Map<String, Object> payload(Task task) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("id", task.id().toString());
    payload.put("projectId", task.projectId().toString());
    payload.put("title", task.title());
    payload.put("description", task.description());
    payload.put("status", task.status().name());
    payload.put("position", task.position());
    payload.put("assignee", task.assignee());
    payload.put("labels", task.labels());
    payload.put("dueDate", task.dueDate() == null ? null : task.dueDate().toString());
    payload.put("version", task.version());
    return payload;
  }

  @SuppressWarnings("unchecked")
  static Task task(Map<String, Object> payload) {
    String dueDate = (String) payload.get("dueDate");
    return new Task(
        UUID.fromString((String) payload.get("id")),
        UUID.fromString((String) payload.get("projectId")),
        (String) payload.get("title"),
        (String) payload.get("description"),
        TaskStatus.valueOf((String) payload.get("status")),
        ((Number) payload.get("position")).intValue(),
        (String) payload.get("assignee"),
        List.copyOf((List<String>) payload.get("labels")),
        dueDate == null ? null : LocalDate.parse(dueDate),
        ((Number) payload.get("version")).intValue());
  }

  private DatabaseClient.GenericExecuteSpec bindTask(DatabaseClient.GenericExecuteSpec spec, Task task) {
    spec = spec.bind("id", task.id()).bind("title", task.title()).bind("status", task.status().name())
        .bind("position", task.position()).bind("labels", json.writeValueAsString(task.labels()))
        .bind("version", task.version());
    spec = task.description() == null ? spec.bindNull("description", String.class)
        : spec.bind("description", task.description());
    spec = task.assignee() == null ? spec.bindNull("assignee", String.class) : spec.bind("assignee", task.assignee());
    return task.dueDate() == null ? spec.bindNull("dueDate", LocalDate.class) : spec.bind("dueDate", task.dueDate());
  }

  private Mono<Void> replaceLabels(Task task) {
    Mono<Void> clear = db.sql("DELETE FROM task_labels WHERE task_id = :id").bind("id", task.id()).then();
    return clear.thenMany(Flux.fromIterable(task.labels()).concatMap(label ->
            db.sql("INSERT INTO task_labels (task_id, label) VALUES (:id, :label)")
                .bind("id", task.id()).bind("label", label).then()))
        .then();
  }
}
