package dev.tenantry.operator.hibernation;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.tenantry.crds.tenant.HibernationSchedule;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A tenant's scheduled sleep: it sleeps from each {@code sleepAt} fire until the next
 * {@code wakeAt} fire, both read in the schedule's time zone.
 */
record SleepWindow(ExecutionTime sleepAt, ExecutionTime wakeAt, ZoneId zone) {
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Thrown for a schedule that cannot be read; the message names the field. */
  static final class InvalidScheduleException extends RuntimeException {
    InvalidScheduleException(String message) {
      super(message);
    }
  }

  static SleepWindow of(HibernationSchedule schedule) {
    return new SleepWindow(cron("sleepAt", schedule.getSleepAt()), cron("wakeAt", schedule.getWakeAt()),
        zone(schedule.getTimeZone()));
  }

  private static ExecutionTime cron(String field, String expression) {
    try {
      return ExecutionTime.forCron(CRON.parse(expression));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidScheduleException("hibernation.schedule." + field + " '" + expression
          + "' is not a cron expression of five fields: " + e.getMessage());
    }
  }

  private static ZoneId zone(String timeZone) {
    try {
      return ZoneId.of(timeZone == null ? "UTC" : timeZone);
    } catch (DateTimeException e) {
      throw new InvalidScheduleException("hibernation.schedule.timeZone '" + timeZone + "' is not a time zone: "
          + e.getMessage());
    }
  }

  /** The end of the window {@code now} falls in; empty when it falls in none. */
  Optional<Instant> endOfWindowAt(Instant now) {
    ZonedDateTime at = now.atZone(zone);
    Optional<ZonedDateTime> slept = sleepAt.lastExecution(at.plusNanos(1));
    if (slept.isEmpty()) {
      return Optional.empty();
    }
    Optional<ZonedDateTime> woke = wakeAt.lastExecution(at.plusNanos(1));
    if (woke.isPresent() && !woke.get().isBefore(slept.get())) {
      return Optional.empty();
    }
    return wakeAt.nextExecution(at).map(ZonedDateTime::toInstant);
  }

  /** When the next window opens after {@code now}. */
  Optional<Instant> nextStartAfter(Instant now) {
    return sleepAt.nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
  }
}
