package dev.tenantry.operator.lifecycle;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's side of leader election: exits when the lease is lost, but never while the
 * process is already stopping, and hands the lease back on a clean stop so a standby takes over
 * at its next retry instead of waiting for the lease to run out.
 *
 * <p>Why not java-operator-sdk's own exit: it calls {@code System.exit} from the callback that
 * {@code Operator.stop()} triggers, which, run from a JVM shutdown hook, waits forever for the
 * hook itself (java-operator-sdk issues 1614 and 3376; the fix is in no release served here).
 */
public final class LeaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);
  /** The status a replica that lost its lease ends with, so Kubernetes restarts it as a standby. */
  public static final int LOST_LEASE_EXIT_STATUS = 1;

  private final String namespace;
  private final String name;
  private final String identity;
  private final Duration duration;
  private final boolean exitOnLoss;
  private final AtomicBoolean stopping = new AtomicBoolean();

  /**
   * @param exitOnLoss end the process when the lease is lost; tests that run replicas in-process
   *     turn it off and see the loss in the log
   */
  public LeaderLease(String namespace, String name, String identity, Duration duration, boolean exitOnLoss) {
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.duration = duration;
    this.exitOnLoss = exitOnLoss;
  }

  /** The configuration java-operator-sdk elects with: renewal at 2/3 of the lease, retries at 1/8. */
  public LeaderElectionConfiguration configuration() {
    LeaderCallbacks callbacks = new LeaderCallbacks(
        () -> LOG.info("{} leads: reconciling", identity),
        this::lost,
        leader -> LOG.info("lease {} held by {}", name, leader));
    return new LeaderElectionConfiguration(name, namespace, duration, duration.multipliedBy(2).dividedBy(3),
        duration.dividedBy(8), identity, callbacks, false);
  }

  /** Marks the process as stopping: from here on a lost lease is expected and ends nothing. */
  public void stopping() {
    stopping.set(true);
  }

  /**
   * Hands the lease back if this replica still holds it (as client-go's ReleaseOnCancel does):
   * an empty holder with a one-second duration, which any standby may take at once.
   */
  public void release(KubernetesClient client, Duration timeout) {
    // bounded: an API server that stalls would otherwise hold the stop for the client's request timeout
    CompletableFuture<Void> released = CompletableFuture.runAsync(() -> release(client));
    try {
      released.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      released.cancel(true);
      LOG.warn("releasing lease {} outlasted {} ms: a standby takes it when it expires", name, timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("could not release lease {}: {}", name, e.getCause().toString());
    }
  }

  private void release(KubernetesClient client) {
    LeaseLock lock = new LeaseLock(namespace, name, identity);
    try {
      LeaderElectionRecord current = lock.get(client);
      if (current == null || !identity.equals(current.getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      lock.update(client, new LeaderElectionRecord("", Duration.ofSeconds(1), now, now,
          current.getLeaderTransitions()));
      LOG.info("released lease {}", name);
    } catch (KubernetesClientException e) {
      LOG.warn("could not release lease {} (a standby takes it when it expires): {}", name, e.getMessage());
    }
  }

  private void lost() {
    if (stopping.get()) {
      return;
    }
    LOG.error("{} lost lease {}: exiting so no two replicas reconcile at once", identity, name);
    if (exitOnLoss) {
      // from a thread of its own: the shutdown hooks this starts wait for the elector's thread
      Thread exit = new Thread(() -> System.exit(LOST_LEASE_EXIT_STATUS), "lost-lease-exit");
      exit.setDaemon(false);
      exit.start();
    }
  }
}
