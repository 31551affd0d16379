package dev.tenantry.operator.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM shutdown hook of the operator process: runs the orderly stop, and halts the process if
 * that stop outlasts its deadline (an API server that stalls every call can hold a release or an
 * informer's close for its full request timeout), so a pod never waits for the kill at the end of
 * its grace period.
 */
public final class ShutdownDeadline {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownDeadline.class);
  /** What a JVM ends with after SIGTERM; the halt keeps it, so a late stop looks like any other. */
  public static final int SIGTERM_EXIT_STATUS = 143;

  private ShutdownDeadline() {
  }

  /** Installs the hook: {@code stop} runs on SIGTERM, bounded by {@code deadline}. */
  public static void install(Runnable stop, Duration deadline) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> run(stop, deadline), "operator-shutdown"));
  }

  private static void run(Runnable stop, Duration deadline) {
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "operator-shutdown-deadline");
      thread.setDaemon(true);
      return thread;
    });
    watchdog.schedule(() -> {
      LOG.error("the orderly stop outlasted {} s: halting", deadline.toSeconds());
      Runtime.getRuntime().halt(SIGTERM_EXIT_STATUS);
    }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    long started = System.nanoTime();
    try {
      stop.run();
      LOG.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } catch (RuntimeException e) {
      LOG.error("stopping failed: {}", e.toString());
    } finally {
      watchdog.shutdownNow();
    }
  }
}
