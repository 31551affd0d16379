package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.project.Project;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.security.CurrentActor;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.Page;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** REST resources of projects. */
@RestController
@RequestMapping("/api/v1/projects")
public class ProjectController {
  private final ProjectService projects;

  public ProjectController(ProjectService projects) {
    this.projects = projects;
  }

  @GetMapping
  Mono<Page<Project>> list(@RequestParam(required = false) String cursor,
      @RequestParam(defaultValue = "0") int limit) {
    return projects.list(cursor, limit);
  }

  @PostMapping
  Mono<ResponseEntity<Project>> create(@RequestBody Requests.CreateProject body,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    return CurrentActor.get(correlation)
        .flatMap(actor -> projects.create(actor, body.name()))
        .map(project -> ResponseEntity.created(URI.create("/api/v1/projects/" + project.id()))
            .eTag(Versions.etag(project.version())).body(project));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<Project>> get(@PathVariable UUID id) {
    return projects.get(id).map(project -> Versions.ok(project, project.version()));
  }

  @PatchMapping("/{id}")
  Mono<ResponseEntity<Project>> patch(@PathVariable UUID id, @RequestBody Requests.PatchProject body,
      @RequestHeader(value = "If-Match", required = false) String ifMatch,
      @RequestHeader(value = "X-Correlation-Id", required = false) String correlation) {
    Integer expected = Versions.ifMatch(ifMatch);
    if (body.name() == null && !Boolean.TRUE.equals(body.archived())) {
      return Mono.error(new DomainException.Invalid("name", "give a new name, or archived: true"));
    }
    if (Boolean.FALSE.equals(body.archived())) {
      return Mono.error(new DomainException.Invalid("archived", "an archived project cannot be restored"));
    }
    return CurrentActor.get(correlation).flatMap(actor -> {
      Mono<Project> result = body.name() != null ? projects.rename(actor, id, body.name(), expected) : Mono.empty();
      if (Boolean.TRUE.equals(body.archived())) {
        result = body.name() != null
            ? result.flatMap(renamed -> projects.archive(actor, id, renamed.version()))
            : projects.archive(actor, id, expected);
      }
      return result;
    }).map(project -> Versions.ok(project, project.version()));
  }
}
