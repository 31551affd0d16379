package dev.tenantry.operator.hibernation;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Hibernation;
import dev.tenantry.crds.tenant.HibernationStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.WakeRecord;
import dev.tenantry.crds.tenant.TenantConditions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides whether a tenant sleeps, from the Tenant (its hibernation, or its plan's; its
 * status; the wake and hibernate requests on its annotations), the time, and, only when an
 * idle deadline has passed, the runtime's own last activity. Pure apart from that one question,
 * so every rule is tested without a cluster:
 * <ul>
 *   <li>suspended wins: a suspended tenant is never hibernated and never woken;</li>
 *   <li>in a scheduled window it sleeps whatever its traffic, and wakes when the window closes;</li>
 *   <li>asleep, it wakes for a wake request made after it fell asleep;</li>
 *   <li>awake, it sleeps for a hibernate request made after its last wake, or once it has been
 *       idle for {@code idleAfter}, counted from its last call or its last wake, whichever is later.</li>
 * </ul>
 */
public final class HibernationPlanner {
  public static final String IDLE = "Idle";
  public static final String SCHEDULED = "Scheduled";
  public static final String REQUESTED = "Requested";
  public static final String ACTIVE = "Active";
  public static final String WOKEN_BY_REQUEST = "WokenByRequest";
  public static final String WOKEN_BY_ADMIN = "WokenByAdmin";
  public static final String WOKEN_BY_SCHEDULE = "WokenBySchedule";
  public static final String SUSPENDED = "Suspended";
  public static final String INVALID = "InvalidHibernation";
  /** Wake triggers, as the wake-trigger annotation and {@code lastWake.trigger} spell them. */
  public static final String TRIGGER_REQUEST = TenantryApi.WAKE_BY_REQUEST;
  public static final String TRIGGER_ADMIN = TenantryApi.WAKE_BY_ADMIN;
  public static final String TRIGGER_SCHEDULE = "schedule";
  /** How soon to ask a runtime again that could not be asked. */
  static final Duration RETRY_ASKING = Duration.ofSeconds(30);

  /** The runtime's last call, asked over the platform's own gRPC door. */
  @FunctionalInterface
  public interface RuntimeActivity {
    /** Its last call; throws when the runtime cannot be asked (the message says why). */
    Instant lastActivity(Tenant tenant) throws Exception;
  }

  private HibernationPlanner() {}

  /** The hibernation in force: the tenant's own, else its plan's; empty when neither has one. */
  public static Optional<Hibernation> effective(Tenant tenant, TenantPlan plan) {
    return Optional.ofNullable(tenant.getSpec().getHibernation())
        .or(() -> Optional.ofNullable(plan.getSpec().getHibernation()));
  }

  /**
   * The decision for {@code tenant} at {@code now}. {@code runtimeReady}: its pods answer, so a
   * wake has finished and its activity can be asked.
   */
  public static HibernationDecision decide(Tenant tenant, Optional<Hibernation> hibernation, Instant now,
      boolean runtimeReady, RuntimeActivity activity) {
    HibernationStatus previous = tenant.getStatus() == null || tenant.getStatus().getHibernation() == null
        ? null : tenant.getStatus().getHibernation();
    if (hibernation.isEmpty() && previous == null
        && instant(tenant, TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION).isEmpty()) {
      // nothing asks for sleep and it never slept: no condition, no status
      return HibernationDecision.none();
    }
    HibernationStatus next = copy(previous);
    if (tenant.getSpec().isSuspendedRequested()) {
      next.setHibernatedAt(null);
      next.setReason(null);
      next.setScheduledUntil(null);
      return new HibernationDecision(false, false, SUSPENDED,
          "suspended by an admin: calls are refused and do not wake it", Optional.of(next), Optional.empty());
    }
    Optional<Duration> idleAfter;
    Optional<SleepWindow> window;
    try {
      idleAfter = hibernation.map(Hibernation::getIdleAfter).map(Duration::parse);
      window = hibernation.map(Hibernation::getSchedule).map(SleepWindow::of);
    } catch (DateTimeParseException | SleepWindow.InvalidScheduleException e) {
      // the schema refuses most of these; what it cannot see (a zone, a cron's ranges) is told here
      return asleep(next) ? wakeFor(next, new WakeRecord(timestamp(now), null, TRIGGER_ADMIN), INVALID,
          "woken: " + e.getMessage(), Optional.empty(), runtimeReady, now)
          : awake(next, INVALID, e.getMessage(), Optional.empty(), runtimeReady, now);
    }

    Optional<Instant> windowEnd = window.flatMap(w -> w.endOfWindowAt(now));
    if (windowEnd.isPresent()) {
      if (!asleep(next) || !SCHEDULED.equals(next.getReason())) {
        next.setHibernatedAt(asleep(next) ? next.getHibernatedAt() : timestamp(now));
        next.setReason(SCHEDULED);
      }
      next.setScheduledUntil(timestamp(windowEnd.get()));
      return new HibernationDecision(true, false, SCHEDULED, "sleeps in its scheduled window until "
          + timestamp(windowEnd.get()) + "; requests wake it only then", Optional.of(next), windowEnd);
    }
    Optional<Instant> nextWindow = window.flatMap(w -> w.nextStartAfter(now));

    if (asleep(next)) {
      if (SCHEDULED.equals(next.getReason())) {
        return wakeFor(next, new WakeRecord(timestamp(now), null, TRIGGER_SCHEDULE), WOKEN_BY_SCHEDULE,
            "its scheduled window closed", nextWindow, runtimeReady, now);
      }
      Optional<Instant> wake = instant(tenant, TenantryApi.WAKE_REQUESTED_AT_ANNOTATION)
          .filter(at -> at.isAfter(Instant.parse(next.getHibernatedAt())));
      if (wake.isPresent()) {
        String trigger = TRIGGER_REQUEST.equals(annotation(tenant, TenantryApi.WAKE_TRIGGER_ANNOTATION))
            ? TRIGGER_REQUEST : TRIGGER_ADMIN;
        return wakeFor(next, new WakeRecord(timestamp(wake.get()), null, trigger),
            TRIGGER_REQUEST.equals(trigger) ? WOKEN_BY_REQUEST : WOKEN_BY_ADMIN,
            "woken by " + (TRIGGER_REQUEST.equals(trigger) ? "a request" : "an admin"), nextWindow, runtimeReady, now);
      }
      return new HibernationDecision(true, false, next.getReason(), sleepMessage(next), Optional.of(next),
          nextWindow);
    }

    // the latest instruction wins: a hibernate request older than the last wake, or than a wake
    // request (a resume writes one), is spent
    Instant wokenAt = Stream.of(Optional.ofNullable(next.getLastWake()).map(w -> Instant.parse(w.getAt())),
            instant(tenant, TenantryApi.WAKE_REQUESTED_AT_ANNOTATION))
        .flatMap(Optional::stream).max(Instant::compareTo).orElse(Instant.EPOCH);
    if (instant(tenant, TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION).filter(at -> at.isAfter(wokenAt)).isPresent()) {
      return sleep(next, REQUESTED, now, nextWindow);
    }
    if (idleAfter.isEmpty() || !runtimeReady) {
      // not yet answering: the Deployment's next change brings the next look
      return awake(next, awakeReason(next), awakeMessage(next, idleAfter), nextWindow, runtimeReady, now);
    }
    // idle counts from when the wake finished: a slow start is not the tenant's silence
    HibernationStatus timed = withWakeTimed(next, true, now);
    Instant awakeSince = Stream.of(Optional.ofNullable(timed.getLastWake())
            .map(w -> Instant.parse(w.getAt()).plusMillis(w.getDurationMs() == null ? 0 : w.getDurationMs())),
            Optional.of(answeringSince(tenant, now)))
        .flatMap(Optional::stream).max(Instant::compareTo).orElseThrow();
    Instant due = idleDeadline(timed, awakeSince, idleAfter.get());
    if (!now.isBefore(due)) {
      try {
        timed.setLastActivity(timestamp(activity.lastActivity(tenant)));
      } catch (Exception e) {
        return awake(timed, awakeReason(timed), "its activity could not be asked, asking again in "
                + RETRY_ASKING.toSeconds() + " s: " + e.getMessage(),
            earliest(Optional.of(now.plus(RETRY_ASKING)), nextWindow), runtimeReady, now);
      }
      due = idleDeadline(timed, awakeSince, idleAfter.get());
    }
    return now.isBefore(due)
        ? awake(timed, awakeReason(timed), awakeMessage(timed, idleAfter), earliest(Optional.of(due), nextWindow),
            runtimeReady, now)
        : sleep(timed, IDLE, now, nextWindow);
  }

  private static HibernationDecision sleep(HibernationStatus next, String reason, Instant now,
      Optional<Instant> nextWindow) {
    next.setHibernatedAt(timestamp(now));
    next.setReason(reason);
    next.setScheduledUntil(null);
    return new HibernationDecision(true, false, reason, sleepMessage(next), Optional.of(next), nextWindow);
  }

  private static HibernationDecision wakeFor(HibernationStatus next, WakeRecord wake, String reason, String message,
      Optional<Instant> recheck, boolean runtimeReady, Instant now) {
    next.setHibernatedAt(null);
    next.setReason(null);
    next.setScheduledUntil(null);
    next.setLastWake(wake);
    return awake(next, reason, message, recheck, runtimeReady, now);
  }

  /** Whether {@code status} shows a wake under way: asked for, and not yet timed (the runtime not yet answering). */
  public static boolean waking(HibernationStatus status) {
    return status != null && status.getLastWake() != null && status.getLastWake().getDurationMs() == null;
  }

  /** Awake; a wake still timing gets its duration once the runtime answers. */
  private static HibernationDecision awake(HibernationStatus previous, String reason, String message,
      Optional<Instant> recheck, boolean runtimeReady, Instant now) {
    HibernationStatus next = withWakeTimed(previous, runtimeReady, now);
    String text = waking(next)
        ? message + "; waking: waiting for the runtime to be ready" : message;
    return new HibernationDecision(false, true, reason, text, Optional.of(next), recheck);
  }

  /** A copy of {@code status} whose last wake, once the runtime answers, has its duration. */
  private static HibernationStatus withWakeTimed(HibernationStatus status, boolean runtimeReady, Instant now) {
    HibernationStatus next = copy(status);
    WakeRecord wake = next.getLastWake();
    if (waking(next) && runtimeReady) {
      long millis = Math.max(0, Duration.between(Instant.parse(wake.getAt()), now).toMillis());
      next.setLastWake(new WakeRecord(wake.getAt(), millis, wake.getTrigger()));
    }
    return next;
  }

  /**
   * When the runtime began to answer: when {@code RuntimeReady} last turned True, or now when
   * this reconcile is the first to see it ready (a first start as slow as idleAfter is not silence).
   */
  private static Instant answeringSince(Tenant tenant, Instant now) {
    return Optional.ofNullable(tenant.getStatus())
        .flatMap(status -> status.condition(TenantConditions.RUNTIME_READY))
        .filter(condition -> "True".equals(condition.getStatus()) && condition.getLastTransitionTime() != null)
        .map(condition -> Instant.parse(condition.getLastTransitionTime()))
        .orElse(now);
  }

  private static Instant idleDeadline(HibernationStatus status, Instant awakeSince, Duration idleAfter) {
    Instant last = Optional.ofNullable(status.getLastActivity()).map(Instant::parse).orElse(Instant.EPOCH);
    return (last.isAfter(awakeSince) ? last : awakeSince).plus(idleAfter);
  }

  private static String awakeReason(HibernationStatus status) {
    WakeRecord wake = status.getLastWake();
    if (wake == null) {
      return ACTIVE;
    }
    return switch (wake.getTrigger() == null ? "" : wake.getTrigger()) {
      case TRIGGER_REQUEST -> WOKEN_BY_REQUEST;
      case TRIGGER_SCHEDULE -> WOKEN_BY_SCHEDULE;
      case TRIGGER_ADMIN -> WOKEN_BY_ADMIN;
      default -> ACTIVE;
    };
  }

  private static String awakeMessage(HibernationStatus status, Optional<Duration> idleAfter) {
    String last = status.getLastActivity() == null ? "" : "; last call " + status.getLastActivity();
    return idleAfter.map(d -> "awake; hibernates after " + d + " without a call" + last)
        .orElse("awake; no idle hibernation" + last);
  }

  private static String sleepMessage(HibernationStatus status) {
    String why = switch (status.getReason()) {
      case IDLE -> "idle since " + status.getLastActivity();
      case REQUESTED -> "an admin asked it to";
      default -> status.getReason();
    };
    return "hibernated at " + status.getHibernatedAt() + " (" + why + "): runtime scaled to zero, data kept;"
        + " a call or a wake request wakes it";
  }

  private static boolean asleep(HibernationStatus status) {
    return status.getHibernatedAt() != null;
  }

  private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    return Stream.of(a, b).flatMap(Optional::stream).min(Instant::compareTo);
  }

  private static HibernationStatus copy(HibernationStatus status) {
    HibernationStatus copy = new HibernationStatus();
    if (status != null) {
      copy.setLastActivity(status.getLastActivity());
      copy.setHibernatedAt(status.getHibernatedAt());
      copy.setReason(status.getReason());
      copy.setScheduledUntil(status.getScheduledUntil());
      WakeRecord wake = status.getLastWake();
      copy.setLastWake(wake == null ? null : new WakeRecord(wake.getAt(), wake.getDurationMs(), wake.getTrigger()));
    }
    return copy;
  }

  private static Optional<Instant> instant(Tenant tenant, String annotation) {
    String value = annotation(tenant, annotation);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeException e) {
      // a malformed request is no request; the control API and docs write ISO-8601 instants
      return Optional.empty();
    }
  }

  private static String annotation(Tenant tenant, String key) {
    Map<String, String> annotations = tenant.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static String timestamp(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
  }
}
