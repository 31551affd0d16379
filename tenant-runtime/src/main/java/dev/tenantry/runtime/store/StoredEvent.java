package dev.tenantry.runtime.store;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An event as committed: its place in the global log ({@code sequence}), its aggregate and
 * version, and who caused it.
 */
public record StoredEvent(
    long sequence,
    UUID aggregateId,
    String aggregateType,
    int version,
    String type,
    UUID projectId,
    Map<String, Object> payload,
    String actor,
    String correlationId,
    Instant occurredAt) {}
