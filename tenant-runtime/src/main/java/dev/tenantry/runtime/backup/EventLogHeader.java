package dev.tenantry.runtime.backup;

import java.time.Instant;

/**
 * The first line of an exported event log: what it is, whose it was, and the position it is
 * consistent at (it holds exactly the events 1..position).
 */
public record EventLogHeader(String format, String tenant, long position, Instant exportedAt) {
  public static final String FORMAT = "tenantry.dev/event-log/v1";
}
