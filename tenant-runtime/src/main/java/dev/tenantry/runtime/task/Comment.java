package dev.tenantry.runtime.task;

import java.time.Instant;
import java.util.UUID;

/** A comment on a task. */
public record Comment(UUID id, UUID taskId, String author, String body, Instant createdAt) {}
