package dev.tenantry.runtime.events;

import dev.tenantry.runtime.store.StoredEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of an event on the WebSocket, in the activity feed and in GraphQL. */
public final class EventView {
  private EventView() {}

  public static Map<String, Object> of(StoredEvent event) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("sequence", event.sequence());
    view.put("type", event.type());
    view.put("aggregateType", event.aggregateType());
    view.put("aggregateId", event.aggregateId().toString());
    view.put("version", event.version());
    view.put("projectId", event.projectId() == null ? null : event.projectId().toString());
    view.put("payload", event.payload());
    view.put("actor", event.actor());
    view.put("correlationId", event.correlationId());
    view.put("occurredAt", event.occurredAt().toString());
    return view;
  }
}
