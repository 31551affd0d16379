package dev.tenantry.runtime.backup;

import dev.tenantry.runtime.settings.RuntimeSettings;
import dev.tenantry.runtime.events.CommandRunner;
import dev.tenantry.runtime.project.ProjectProjection;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.store.DomainException;
import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.StoredEvent;
import dev.tenantry.runtime.task.TaskProjection;
import dev.tenantry.runtime.task.TaskService;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tenant's data as its event log, one JSON document per line after a header: exported up
 * to a position while commands go on (the log is append-only and gap-free, so the events up to
 * a committed head never change), and loaded into an empty store in one transaction that also
 * rebuilds the projections through the code commands use; a load that fails leaves the store
 * empty.
 */
@Service
public class EventLogArchive {
  static final int PAGE = 1000;

  private final EventStore events;
  private final CommandRunner commands;
  private final ProjectProjection projects;
  private final TaskProjection tasks;
  private final JsonMapper json;
  private final String tenant;

  public EventLogArchive(EventStore events, CommandRunner commands, ProjectProjection projects, TaskProjection tasks,
      JsonMapper json, RuntimeSettings settings) {
    this.events = events;
    this.commands = commands;
    this.projects = projects;
    this.tasks = tasks;
    this.json = json;
    this.tenant = settings.tenantName();
  }

  /** What a load did: the position the store is at now, and whose log it was. */
  public record Loaded(long position, String sourceTenant) {}

  /** The position an export up to {@code upTo} (the head when null) is consistent at. */
  public Mono<Long> position(Long upTo) {
    return events.head().map(head -> {
      if (upTo == null) {
        return head;
      }
      if (upTo < 0 || upTo > head) {
        throw new DomainException.Invalid("upTo", "must be between 0 and the log's head, " + head + ", was " + upTo);
      }
      return upTo;
    });
  }

  /** The header line, then events 1..position, each line ending in a newline. */
  public Flux<String> export(long position) {
    String header = json.writeValueAsString(new EventLogHeader(EventLogHeader.FORMAT, tenant, position, Instant.now()));
    Flux<StoredEvent> log = position == 0 ? Flux.empty() : page(0, position)
        .expand(page -> page.isEmpty() || last(page) >= position ? Mono.empty() : page(last(page), position))
        .flatMapIterable(page -> page);
    return Flux.concat(Mono.just(header), log.map(json::writeValueAsString)).map(line -> line + "\n");
  }

  private Mono<List<StoredEvent>> page(long since, long position) {
    return events.after(since, null, PAGE).takeWhile(event -> event.sequence() <= position).collectList();
  }

  private static long last(List<StoredEvent> page) {
    return page.get(page.size() - 1).sequence();
  }

  /**
   * Loads an exported log into this (empty) store. The head stays locked throughout, so
   * commands that arrive meanwhile wait and then append after the loaded events.
   */
  public Mono<Loaded> load(Flux<String> lines) {
    return load(lines, false);
  }

  /**
   * As {@link #load(Flux)}; with {@code replace}, what the store holds is deleted first in the
   * same transaction (an in-place restore): a refused archive leaves the old data as it was.
   */
  public Mono<Loaded> load(Flux<String> lines, boolean replace) {
    return commands.run(events.lockHead().flatMap(head -> {
      if (head != 0 && !replace) {
        return Mono.error(new DomainException.Conflict("the store is not empty (its log is at " + head
            + "): a backup loads only into an empty store", null));
      }
      return (replace ? events.clear() : Mono.<Void>empty()).thenMany(lines).filter(line -> !line.isBlank())
          .switchOnFirst((first, all) -> {
            if (!first.hasValue()) {
              return Mono.error(invalid("the archive is empty: no header line"));
            }
            EventLogHeader header = header(first.get());
            return all.skip(1).index()
                .concatMap(numbered -> apply(header, numbered.getT1() + 1, numbered.getT2()).thenReturn(numbered.getT1()))
                .count()
                .flatMap(count -> count < header.position()
                    ? Mono.error(invalid("the archive is truncated: its header promises " + header.position()
                        + " events, it holds " + count))
                    : events.moveHead(header.position()).thenReturn(new Loaded(header.position(), header.tenant())));
          })
          .single();
    }));
  }

  private EventLogHeader header(String line) {
    EventLogHeader header;
    try {
      header = json.readValue(line, EventLogHeader.class);
    } catch (JacksonException e) {
      throw invalid("the first line is not an event-log header: " + e.getOriginalMessage());
    }
    if (!EventLogHeader.FORMAT.equals(header.format())) {
      throw invalid("unknown format '" + header.format() + "', expected " + EventLogHeader.FORMAT);
    }
    if (header.position() < 0) {
      throw invalid("the header's position is negative");
    }
    return header;
  }

  private Mono<Void> apply(EventLogHeader header, long expected, String line) {
    StoredEvent event;
    try {
      event = json.readValue(line, StoredEvent.class);
    } catch (JacksonException e) {
      return Mono.error(invalid("line " + (expected + 1) + " is not an event: " + e.getOriginalMessage()));
    }
    if (expected > header.position()) {
      return Mono.error(invalid("the archive holds more events than its header's position " + header.position()));
    }
    if (event.sequence() != expected) {
      return Mono.error(invalid("event " + expected + " expected, found " + event.sequence()
          + ": the log must run from 1 without gaps"));
    }
    Mono<Void> projection = Mono.defer(() -> switch (event.aggregateType()) {
      case ProjectService.AGGREGATE -> projects.replay(event);
      case TaskService.AGGREGATE, TaskService.COMMENT_AGGREGATE -> tasks.replay(event);
      default -> Mono.error(invalid("event " + expected + ": unknown aggregate type '" + event.aggregateType() + "'"));
    });
    // a payload that does not fit its type, or rows that contradict earlier events
    return events.restore(event).then(projection)
        .onErrorMap(e -> e instanceof IllegalArgumentException || e instanceof ClassCastException
                || e instanceof NullPointerException || e instanceof DataIntegrityViolationException,
            e -> invalid("event " + expected + " (" + event.type() + ") cannot be applied: " + e.getMessage()));
  }

  private static DomainException.Invalid invalid(String message) {
    return new DomainException.Invalid("archive", message);
  }
}
