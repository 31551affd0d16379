package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.security.CurrentActor;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.Page;
import dev.tenantry.runtime.store.Validation;
import dev.tenantry.runtime.task.Comment;
import dev.tenantry.runtime.task.Task;
import dev.tenantry.runtime.task.TaskChanges;
import dev.tenantry.runtime.task.TaskFilter;
import dev.tenantry.runtime.task.TaskService;
import dev.tenantry.runtime.task.TaskStatus;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** REST resources of tasks and their comments. */
@RestController
@RequestMapping("/api/v1")
public class TaskController {
  private final TaskService tasks;

  public TaskController(TaskService tasks) {
    this.tasks = tasks;
  }

  @GetMapping("/projects/{projectId}/tasks")
  Mono<Page<Task>> list(@PathVariable UUID projectId, @RequestParam(required = false) TaskStatus status,
      @RequestParam(required = false) String assignee, @RequestParam(required = false) String label,
      @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "0") int limit) {
    return tasks.list(projectId, new TaskFilter(status, assignee, label), cursor, limit);
  }

  @PostMapping("/projects/{projectId}/tasks")
  Mono<ResponseEntity<Task>> create(@PathVariable UUID projectId, @RequestBody Requests.CreateTask body,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    return CurrentActor.get(correlation)
        .flatMap(actor -> tasks.create(actor, projectId, body.title(), body.description(), body.assignee(),
            body.labels(), Validation.date("dueDate", body.dueDate())))
        .map(task -> ResponseEntity.created(URI.create("/api/v1/tasks/" + task.id()))
            .eTag(Versions.etag(task.version())).body(task));
  }

  @GetMapping("/tasks/{id}")
  Mono<ResponseEntity<Task>> get(@PathVariable UUID id) {
    return tasks.get(id).map(task -> Versions.ok(task, task.version()));
  }

  @PatchMapping("/tasks/{id}")
  Mono<ResponseEntity<Task>> patch(@PathVariable UUID id, @RequestBody Requests.PatchTask body,
      @RequestHeader(value = "If-Match", required = false) String ifMatch,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    Integer expected = Versions.ifMatch(ifMatch);
    boolean clearDue = body.dueDate() != null && body.dueDate().isEmpty();
    TaskChanges changes = new TaskChanges(Optional.ofNullable(body.title()), Optional.ofNullable(body.description()),
        Optional.ofNullable(body.labels()), Optional.ofNullable(Validation.date("dueDate", body.dueDate())), clearDue);
    return CurrentActor.get(correlation).flatMap(actor -> tasks.update(actor, id, changes, expected))
        .map(task -> Versions.ok(task, task.version()));
  }

  @PostMapping("/tasks/{id}/move")
  Mono<ResponseEntity<Task>> move(@PathVariable UUID id, @RequestBody Requests.MoveTask body,
      @RequestHeader(value = "If-Match", required = false) String ifMatch,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    Integer expected = Versions.ifMatch(ifMatch);
    if (body.position() == null) {
      return Mono.error(new DomainException.Invalid("position", "is required"));
    }
    return CurrentActor.get(correlation)
        .flatMap(actor -> tasks.move(actor, id, body.status(), body.position(), expected))
        .map(task -> Versions.ok(task, task.version()));
  }

  @PutMapping("/tasks/{id}/assignee")
  Mono<ResponseEntity<Task>> assign(@PathVariable UUID id, @RequestBody Requests.AssignTask body,
      @RequestHeader(value = "If-Match", required = false) String ifMatch,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    Integer expected = Versions.ifMatch(ifMatch);
    return CurrentActor.get(correlation).flatMap(actor -> tasks.assign(actor, id, body.assignee(), expected))
        .map(task -> Versions.ok(task, task.version()));
  }

  @DeleteMapping("/tasks/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable UUID id, @RequestHeader(value = "If-Match", required = false) String ifMatch,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    Integer expected = Versions.ifMatch(ifMatch);
    return CurrentActor.get(correlation).flatMap(actor -> tasks.delete(actor, id, expected)).then();
  }

  @GetMapping("/tasks/{id}/comments")
  Flux<Comment> comments(@PathVariable UUID id) {
    return tasks.comments(id);
  }

  @PostMapping("/tasks/{id}/comments")
  Mono<ResponseEntity<Comment>> comment(@PathVariable UUID id, @RequestBody Requests.AddComment body,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    return CurrentActor.get(correlation).flatMap(actor -> tasks.comment(actor, id, body.body()))
        .map(comment -> ResponseEntity.status(HttpStatus.CREATED).body(comment));
  }
}
