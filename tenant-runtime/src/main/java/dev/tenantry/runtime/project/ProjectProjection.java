package dev.tenantry.runtime.project;

import dev.tenantry.runtime.store.StoredEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The write side of the projects table: commands and a replay of the event log go through
 * the same code, so a store rebuilt from its log has the same rows as the one that wrote it.
 */
@Component
public class ProjectProjection {
  private final DatabaseClient db;

  public ProjectProjection(DatabaseClient db) {
    this.db = db;
  }

  Mono<Void> created(Project project, long sequence) {
    return db.sql("INSERT INTO projects (id, name, archived, version, created_seq) VALUES (:id, :name, :archived,"
            + " :version, :seq)")
        .bind("id", project.id()).bind("name", project.name()).bind("archived", project.archived())
        .bind("version", project.version()).bind("seq", sequence)
        .then();
  }

  Mono<Void> changed(Project project) {
    return db.sql("UPDATE projects SET name = :name, archived = :archived, version = :version WHERE id = :id")
        .bind("name", project.name()).bind("archived", project.archived()).bind("version", project.version())
        .bind("id", project.id())
        .then();
  }

  /** Applies one project event from the log (they carry the name; the version is the event's). */
  public Mono<Void> replay(StoredEvent event) {
    return switch (event.type()) {
      case "ProjectCreated" -> created(new Project(event.aggregateId(), name(event), false, event.version()),
          event.sequence());
      case "ProjectRenamed" -> db.sql("UPDATE projects SET name = :name, version = :version WHERE id = :id")
          .bind("name", name(event)).bind("version", event.version()).bind("id", event.aggregateId()).then();
      case "ProjectArchived" -> db.sql("UPDATE projects SET archived = TRUE, version = :version WHERE id = :id")
          .bind("version", event.version()).bind("id", event.aggregateId()).then();
      default -> Mono.error(new IllegalArgumentException("event " + event.sequence() + ": unknown type '"
          + event.type() + "' of aggregate " + event.aggregateType()));
    };
  }

  private static String name(StoredEvent event) {
    return (String) event.payload().get("name");
  }
}
