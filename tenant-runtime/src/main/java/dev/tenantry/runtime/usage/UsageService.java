package dev.tenantry.runtime.usage;

import dev.tenantry.runtime.events.EventBus;
import dev.tenantry.runtime.store.StorageConfiguration.StorageLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** How much this tenant uses: counts, live subscribers and bytes on disk, for the control plane. */
@Service
public class UsageService {

  /** A snapshot of the tenant's usage. */
  public record Usage(long projects, long tasks, long events, long liveSubscribers, long storageBytes,
      Instant lastActivity) {}

  private final DatabaseClient db;
  private final EventBus bus;
  private final StorageLocation location;
  private final ActivityClock activity;

  public UsageService(DatabaseClient db, EventBus bus, StorageLocation location, ActivityClock activity) {
    this.db = db;
    this.bus = bus;
    this.location = location;
    this.activity = activity;
  }

  public Mono<Usage> usage() {
    return Mono.zip(count("SELECT COUNT(*) AS n FROM projects"), count("SELECT COUNT(*) AS n FROM tasks"),
            count("SELECT sequence AS n FROM event_head WHERE id = 1"), storageBytes())
        .map(t -> new Usage(t.getT1(), t.getT2(), t.getT3(), bus.liveSubscribers(), t.getT4(),
            activity.lastActivity()));
  }

  private Mono<Long> count(String sql) {
    return db.sql(sql).map(row -> ((Number) row.get("n")).longValue()).one();
  }

  private Mono<Long> storageBytes() {
    if (location.postgres()) {
      return count("SELECT pg_database_size(current_database()) AS n");
    }
    return Mono.fromCallable(() -> directorySize(location.dataDir())).subscribeOn(Schedulers.boundedElastic());
  }

  private static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    }
  }
}
