package dev.tenantry.runtime.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only event log. Appends run inside the caller's transaction and lock the log
 * head, so sequence numbers follow commit order with no gaps; on PostgreSQL each append also
 * notifies the other replicas.
 */
@Component
public class EventStore {
  public static final String NOTIFY_CHANNEL = "tenantry_events";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final DatabaseClient db;
  private final JsonMapper json;
  private final boolean postgres;

  public EventStore(DatabaseClient db, JsonMapper json, StorageConfiguration.StorageLocation location) {
    this.db = db;
    this.json = json;
    this.postgres = location.postgres();
  }

  /** Appends {@code events} in order; must run in a transaction together with the projection updates. */
  public Mono<List<StoredEvent>> append(Actor actor, List<NewEvent> events) {
    Instant now = Instant.now();
    return db.sql("SELECT sequence FROM event_head WHERE id = 1 FOR UPDATE")
        .map(row -> row.get("sequence", Long.class))
        .one()
        .flatMap(head -> {
          List<StoredEvent> stored = new ArrayList<>();
          long sequence = head;
          for (NewEvent event : events) {
            sequence++;
            stored.add(new StoredEvent(sequence, event.aggregateId(), event.aggregateType(), event.version(),
                event.type(), event.projectId(), event.payload(), actor.subject(), actor.correlationId(), now));
          }
          long last = sequence;
          return Flux.fromIterable(stored).concatMap(this::insert).then(
                  db.sql("UPDATE event_head SET sequence = :sequence WHERE id = 1").bind("sequence", last).then())
              .then(postgres
                  ? db.sql("SELECT pg_notify('" + NOTIFY_CHANNEL + "', :sequence)").bind("sequence", String.valueOf(last))
                      .fetch().rowsUpdated().then()
                  : Mono.empty())
              .thenReturn(stored);
        });
  }

  private Mono<Long> insert(StoredEvent event) {
    var spec = db.sql("INSERT INTO events (sequence, aggregate_id, aggregate_type, version, type, project_id, payload,"
            + " actor, correlation_id, occurred_at) VALUES (:sequence, :aggregateId, :aggregateType, :version, :type,"
            + " :projectId, :payload, :actor, :correlationId, :occurredAt)")
        .bind("sequence", event.sequence())
        .bind("aggregateId", event.aggregateId())
        .bind("aggregateType", event.aggregateType())
        .bind("version", event.version())
        .bind("type", event.type())
        .bind("payload", json.writeValueAsString(event.payload()))
        .bind("actor", event.actor())
        .bind("occurredAt", OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC));
    spec = event.projectId() == null ? spec.bindNull("projectId", UUID.class) : spec.bind("projectId", event.projectId());
    spec = event.correlationId() == null ? spec.bindNull("correlationId", String.class)
        : spec.bind("correlationId", event.correlationId());
    return spec.fetch().rowsUpdated();
  }

  /** Events after {@code since}, in order, at most {@code limit}; of one project when {@code projectId} is set. */
  public Flux<StoredEvent> after(long since, UUID projectId, int limit) {
    String where = projectId == null ? "" : " AND project_id = :projectId";
    var spec = db.sql("SELECT * FROM events WHERE sequence > :since" + where + " ORDER BY sequence LIMIT :limit")
        .bind("since", since)
        .bind("limit", limit);
    if (projectId != null) {
      spec = spec.bind("projectId", projectId);
    }
    return spec.map((row, meta) -> new StoredEvent(
            row.get("sequence", Long.class),
            row.get("aggregate_id", UUID.class),
            row.get("aggregate_type", String.class),
            row.get("version", Integer.class),
            row.get("type", String.class),
            row.get("project_id", UUID.class),
            json.readValue(row.get("payload", String.class), MAP),
            row.get("actor", String.class),
            row.get("correlation_id", String.class),
            row.get("occurred_at", OffsetDateTime.class).toInstant()))
        .all();
  }

  /** Writes an event as another store committed it (a restore), keeping its sequence; the caller moves the head. */
  public Mono<Void> restore(StoredEvent event) {
    return insert(event).then();
  }

  /** The log head, row-locked until the transaction ends: appends wait for a restore that holds it. */
  public Mono<Long> lockHead() {
    return db.sql("SELECT sequence FROM event_head WHERE id = 1 FOR UPDATE").map(row -> row.get("sequence", Long.class))
        .one();
  }

  /**
   * Empties every table of the store and sets the head to 0, in the transaction that holds the
   * head: an in-place restore replaces the data all at once or not at all.
   */
  public Mono<Void> clear() {
    return Flux.just("DELETE FROM comments", "DELETE FROM task_labels", "DELETE FROM tasks", "DELETE FROM projects",
            "DELETE FROM events", "UPDATE event_head SET sequence = 0 WHERE id = 1")
        .concatMap(statement -> db.sql(statement).then())
        .then();
  }

  /** Sets the head after a restore (in the transaction that holds it). */
  public Mono<Void> moveHead(long sequence) {
    return db.sql("UPDATE event_head SET sequence = :sequence WHERE id = 1").bind("sequence", sequence).then();
  }

  /** The sequence of the last committed event. */
  public Mono<Long> head() {
    return db.sql("SELECT sequence FROM event_head WHERE id = 1").map(row -> row.get("sequence", Long.class)).one();
  }

  public boolean postgres() {
    return postgres;
  }
}
