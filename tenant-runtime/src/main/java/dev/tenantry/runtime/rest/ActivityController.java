package dev.tenantry.runtime.rest;

import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.Page;
import dev.tenantry.runtime.store.StoredEvent;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The activity feed: the event log, oldest first, resumable from a sequence number. */
@RestController
@RequestMapping("/api/v1/activity")
public class ActivityController {
  private final EventStore events;

  public ActivityController(EventStore events) {
    this.events = events;
  }

  /** A page of the feed; {@code next} is the {@code since} of the following page. */
  public record Activity(List<StoredEvent> items, long next) {}

  @GetMapping
  Mono<Activity> feed(@RequestParam(defaultValue = "0") long since, @RequestParam(required = false) UUID projectId,
      @RequestParam(defaultValue = "0") int limit) {
    int size = Page.size(limit);
    return events.after(since, projectId, size).collectList()
        .map(items -> new Activity(items, items.isEmpty() ? since : items.get(items.size() - 1).sequence()));
  }
}
