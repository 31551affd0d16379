package dev.tenantry.runtime.store;

import java.util.Map;
import java.util.UUID;

/** An event a command wants appended, at the aggregate version it produces. */
public record NewEvent(UUID aggregateId, String aggregateType, int version, String type, UUID projectId,
    Map<String, Object> payload) {}
