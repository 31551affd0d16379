package dev.tenantry.runtime.backup;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The event log for the platform's backups ({@code platform-backup} role): {@code GET} streams
 * it up to a position as NDJSON (the position in a response header, before the body), {@code
 * PUT} loads such a stream into an empty store, or with {@code replace=true} in place of what
 * the store holds (in one transaction: a refused archive leaves the old data).
 */
@RestController
@RequestMapping(EventLogController.PATH)
public class EventLogController {
  public static final String PATH = "/admin/v1/event-log";
  public static final String POSITION_HEADER = "Tenantry-Event-Position";
  public static final MediaType NDJSON = MediaType.APPLICATION_NDJSON;
  public static final int MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

  private final EventLogArchive archive;

  public EventLogController(EventLogArchive archive) {
    this.archive = archive;
  }

  @GetMapping(produces = MediaType.APPLICATION_NDJSON_VALUE)
  Mono<ResponseEntity<Flux<DataBuffer>>> export(@RequestParam(required = false) Long upTo) {
    return archive.position(upTo).map(position -> ResponseEntity.ok()
        .header(POSITION_HEADER, String.valueOf(position))
        .contentType(NDJSON)
        .body(archive.export(position)
            .map(line -> DefaultDataBufferFactory.sharedInstance.wrap(line.getBytes(StandardCharsets.UTF_8)))));
  }

  /**
   * The archive is read whole before the load starts (up to {@link #MAX_ARCHIVE_BYTES}, about
   * 500,000 events): decoding the body line by line while the load's transaction held it made
   * Netty release a buffer twice when a bad archive ended the load early.
   */
  @PutMapping(consumes = MediaType.APPLICATION_NDJSON_VALUE)
  Mono<EventLogArchive.Loaded> load(@RequestBody(required = false) Flux<DataBuffer> body,
      @RequestParam(defaultValue = "false") boolean replace) {
    // an empty body is the load's to refuse, with its own words
    return DataBufferUtils.join(body == null ? Flux.empty() : body, MAX_ARCHIVE_BYTES)
        .map(joined -> {
          try {
            return joined.toString(StandardCharsets.UTF_8);
          } finally {
            DataBufferUtils.release(joined);
          }
        })
        .defaultIfEmpty("")
        .flatMap(text -> archive.load(Flux.fromStream(text.lines()), replace));
  }
}
