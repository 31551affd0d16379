package dev.tenantry.runtime.store;

/** Who issues a command, and the correlation id that ties its events to the request. */
public record Actor(String subject, String correlationId) {}
