package dev.tenantry.runtime.bench;

import dev.tenantry.runtime.RuntimeTestSupport;
import dev.tenantry.runtime.backup.EventLogController;
import dev.tenantry.runtime.project.ProjectService;
import dev.tenantry.runtime.security.TenantTokens;
import dev.tenantry.runtime.store.Actor;
import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.task.TaskService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;

/**
 * Backup and restore of a tenant with 100,000 events ({@code -Dbench.events}), embedded and on
 * PostgreSQL: the event-log export over HTTP into a file, its size raw and gzipped (as the
 * platform stores archives), and the load into an empty store of the same kind. Run with
 * {@code scripts/bench.sh backup}; not part of the test suite.
 */
@Tag("benchmark")
class BackupBenchmark {
  static final int EVENTS = Integer.getInteger("bench.events", 100_000);
  static final int PROJECTS = 100;
  static final String BACKUP = TenantTokens.sign(RuntimeTestSupport.PLATFORM_KEY, RuntimeTestSupport.TENANT,
      "tenantry-operator", List.of("platform-backup"), Duration.ofHours(2));

  @TempDir
  Path dir;

  @Test
  void backupAndRestore() throws Exception {
    List<String> rows = new ArrayList<>();
    for (String storage : List.of("embedded", "postgres")) {
      List<String> databases = new ArrayList<>();
      try (var source = RuntimeTestSupport.start(settings(storage, "source-" + storage, databases));
          var target = RuntimeTestSupport.start(settings(storage, "target-" + storage, databases))) {
        long filled = fill(source);
        Path raw = dir.resolve(storage + ".ndjson");
        HttpClient http = HttpClient.newHttpClient();

        long start = System.nanoTime();
        HttpResponse<Path> exported = http.send(HttpRequest.newBuilder(uri(source)).header("Authorization", "Bearer " + BACKUP)
            .build(), HttpResponse.BodyHandlers.ofFile(raw));
        double exportSeconds = (System.nanoTime() - start) / 1e9;
        check(exported.statusCode(), "export");

        start = System.nanoTime();
        Path gzipped = gzip(raw);
        double gzipSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        HttpResponse<String> loaded = http.send(HttpRequest.newBuilder(uri(target)).header("Authorization", "Bearer " + BACKUP)
            .header("Content-Type", "application/x-ndjson").PUT(HttpRequest.BodyPublishers.ofFile(raw)).build(),
            HttpResponse.BodyHandlers.ofString());
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        check(loaded.statusCode(), "load: " + loaded.body());
        long restored = target.getBean(EventStore.class).head().block();
        if (restored != filled) {
          throw new AssertionError("restored " + restored + " of " + filled + " events");
        }
        rows.add(String.format("| %s | %,d | %.1f s (%,.0f events/s) | %.1f MiB | %.1f MiB (%.1f s) | %.1f s (%,.0f events/s) |",
            storage, filled, exportSeconds, filled / exportSeconds, Files.size(raw) / 1048576.0,
            Files.size(gzipped) / 1048576.0, gzipSeconds, loadSeconds, filled / loadSeconds));
      } finally {
        databases.forEach(RuntimeTestSupport::dropPostgresDatabase);
      }
    }
    RuntimeBenchmark.writeReport("backup.md", "BACKUP BENCHMARK",
        "| store | events | export | raw | gzip | load into an empty store |\n|---|---|---|---|---|---|\n"
            + String.join("\n", rows) + "\n");
  }

  Map<String, Object> settings(String storage, String name, List<String> databases) {
    if (storage.equals("postgres")) {
      String database = RuntimeTestSupport.newPostgresDatabase();
      databases.add(database);
      return RuntimeTestSupport.postgres(dir.resolve(name), RuntimeTestSupport.TENANT, database);
    }
    return RuntimeTestSupport.embedded(dir.resolve(name));
  }

  /** Projects, then tasks spread over them (one event each), through the command services, 16 at a time. */
  static long fill(ConfigurableApplicationContext runtime) {
    ProjectService projects = runtime.getBean(ProjectService.class);
    TaskService tasks = runtime.getBean(TaskService.class);
    Actor actor = new Actor("bench", null);
    List<java.util.UUID> ids = Flux.range(0, PROJECTS).concatMap(i -> projects.create(actor, "Project " + i))
        .map(p -> p.id()).collectList().block();
    Flux.range(0, EVENTS - PROJECTS)
        .flatMap(i -> tasks.create(actor, ids.get(i % PROJECTS), "Task " + i, "a task with a short description",
            i % 3 == 0 ? "carol" : null, i % 2 == 0 ? List.of("ops", "db") : List.of(), null), 16)
        .blockLast(Duration.ofMinutes(30));
    return runtime.getBean(EventStore.class).head().block();
  }

  static URI uri(ConfigurableApplicationContext runtime) {
    return URI.create("http://127.0.0.1:" + RuntimeTestSupport.port(runtime) + EventLogController.PATH);
  }

  static void check(int status, String what) {
    if (status != 200) {
      throw new AssertionError(what + " answered " + status);
    }
  }

  static Path gzip(Path raw) throws IOException {
    Path gzipped = raw.resolveSibling(raw.getFileName() + ".gz");
    try (InputStream in = Files.newInputStream(raw); OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
      in.transferTo(out);
    }
    return gzipped;
  }
}
