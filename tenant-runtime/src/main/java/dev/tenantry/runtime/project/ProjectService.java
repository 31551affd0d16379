package dev.tenantry.runtime.project;

import dev.tenantry.runtime.store.Actor;
import dev.tenantry.runtime.events.CommandRunner;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.NewEvent;
import dev.tenantry.runtime.store.Page;
import dev.tenantry.runtime.store.Validation;
import io.r2dbc.spi.Readable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Commands (create, rename, archive) and queries of projects. */
@Service
public class ProjectService {
  public static final String AGGREGATE = "project";

  private final DatabaseClient db;
  private final EventStore events;
  private final CommandRunner commands;
  private final ProjectProjection projection;

  public ProjectService(DatabaseClient db, EventStore events, CommandRunner commands, ProjectProjection projection) {
    this.db = db;
    this.events = events;
    this.commands = commands;
    this.projection = projection;
  }

  public Mono<Project> create(Actor actor, String name) {
    String validName = Validation.text("name", name, 200);
    Project project = new Project(UUID.randomUUID(), validName, false, 1);
    return commands.run(events.append(actor, List.of(
            new NewEvent(project.id(), AGGREGATE, 1, "ProjectCreated", project.id(), Map.of("name", validName))))
        .flatMap(stored -> projection.created(project, stored.get(0).sequence()))
        .thenReturn(project));
  }

  public Mono<Project> rename(Actor actor, UUID id, String name, Integer expectedVersion) {
    String validName = Validation.text("name", name, 200);
    return change(actor, id, expectedVersion, "ProjectRenamed", Map.of("name", validName),
        project -> new Project(project.id(), validName, project.archived(), project.version() + 1));
  }

  public Mono<Project> archive(Actor actor, UUID id, Integer expectedVersion) {
    return change(actor, id, expectedVersion, "ProjectArchived", Map.of(),
        project -> new Project(project.id(), project.name(), true, project.version() + 1));
  }

  private Mono<Project> change(Actor actor, UUID id, Integer expectedVersion, String type, Map<String, Object> payload,
      java.util.function.UnaryOperator<Project> apply) {
    return commands.run(lockForUpdate(id).flatMap(current -> {
      Validation.expectVersion("project", id, expectedVersion, current.version());
      Project next = apply.apply(current);
      return events.append(actor, List.of(new NewEvent(id, AGGREGATE, next.version(), type, id, payload)))
          .then(projection.changed(next))
          .thenReturn(next);
    }));
  }

  /** The project, row-locked until the transaction ends; fails NotFound when absent. */
  public Mono<Project> lockForUpdate(UUID id) {
    return db.sql("SELECT * FROM projects WHERE id = :id FOR UPDATE").bind("id", id).map(ProjectService::project).one()
        .switchIfEmpty(Mono.error(() -> new DomainException.NotFound("project", id)));
  }

  public Mono<Project> get(UUID id) {
    return db.sql("SELECT * FROM projects WHERE id = :id").bind("id", id).map(ProjectService::project).one()
        .switchIfEmpty(Mono.error(() -> new DomainException.NotFound("project", id)));
  }

  public Flux<Project> byIds(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Flux.empty();
    }
    return db.sql("SELECT * FROM projects WHERE id IN (:ids)").bind("ids", List.copyOf(ids))
        .map(ProjectService::project).all();
  }

  /** Projects in creation order, after the cursor. */
  public Mono<Page<Project>> list(String cursor, int limit) {
    long after = Page.decode(cursor);
    int size = Page.size(limit);
    return db.sql("SELECT * FROM projects WHERE created_seq > :after ORDER BY created_seq LIMIT :limit")
        .bind("after", after).bind("limit", size + 1)
        .map((row, meta) -> new Page.Row<>(project(row), row.get("created_seq", Long.class)))
        .all().collectList()
        .map(rows -> Page.of(rows, size));
  }

  static Project project(Readable row) {
    return new Project(row.get("id", UUID.class), row.get("name", String.class),
        Boolean.TRUE.equals(row.get("archived", Boolean.class)), row.get("version", Integer.class));
  }
}
