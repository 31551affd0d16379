package dev.tenantry.operator.rollout;

import dev.tenantry.crds.rollout.RolloutSizes;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import dev.tenantry.operator.rollout.RolloutSelection.Moved;
import dev.tenantry.operator.rollout.RolloutSelection.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The waves and their health gate: each wave's share of the selection, the moved tenants by wave,
 * how each wave stands, and the wave the rollout is at (the first not through its gate or its
 * soak); {@code current < 0} once every wave is through.
 */
final class WaveProgress {

  final int[] shares;
  final List<List<Moved>> byWave;
  final List<WaveStatus> statuses = new ArrayList<>();
  final int current;
  final boolean gateFailed;
  final Instant soakUntil;

  private WaveProgress(int[] shares, List<List<Moved>> byWave, int current, boolean gateFailed, Instant soakUntil,
      List<WaveStatus> statuses) {
    this.shares = shares;
    this.byWave = byWave;
    this.current = current;
    this.gateFailed = gateFailed;
    this.soakUntil = soakUntil;
    this.statuses.addAll(statuses);
  }

  static WaveProgress of(RolloutView view, RolloutSelection selection) {
    TenantRolloutSpec spec = view.spec();
    int[] shares = shares(spec.effectiveWaves(), selection.total());
    int count = shares.length;
    List<List<Moved>> byWave = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byWave.add(new ArrayList<>());
    }
    for (Moved moved : selection.moved) {
      byWave.get(Math.min(moved.wave(), count - 1)).add(moved);
    }
    for (int i = 0; i < count; i++) {
      shares[i] = Math.max(shares[i], byWave.get(i).size());
    }

    int current = -1;
    boolean gateFailed = false;
    Instant soakUntil = null;
    List<WaveStatus> statuses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Moved> wave = byWave.get(i);
      long failed = count(wave, State.FAILED);
      boolean through = wave.size() >= shares[i] && count(wave, State.MOVING) == 0;
      boolean gateFails = failed > gateAllows(spec, shares[i]);
      boolean reached = current < 0;
      WaveStatus previous = view.previousWave(i);
      String healthyAt = reached && through && !gateFails
          ? Optional.ofNullable(previous).map(WaveStatus::getHealthyAt).orElse(view.nowStamp()) : null;
      statuses.add(new WaveStatus(spec.waveName(i), shares[i], wave.size(), (int) count(wave, State.READY),
          (int) failed,
          wave.isEmpty() ? null : Optional.ofNullable(previous).map(WaveStatus::getStartedAt).orElse(view.nowStamp()),
          healthyAt));
      if (!reached) {
        continue;
      }
      if (gateFails) {
        current = i;
        gateFailed = true;
      } else if (!through) {
        current = i;
      } else if (i < count - 1 && spec.effectiveSoakSeconds() > 0 && shares[i] > 0) {
        Instant soaked = Instant.parse(healthyAt).plusSeconds(spec.effectiveSoakSeconds());
        if (view.now().isBefore(soaked)) {
          current = i;
          soakUntil = soaked;
        }
      }
    }
    return new WaveProgress(shares, byWave, current, gateFailed, soakUntil, statuses);
  }

  /** How many failed tenants the gate lets a wave of {@code share} tenants have. */
  static int gateAllows(TenantRolloutSpec spec, int share) {
    return RolloutSizes.resolve(spec.effectiveMaxFailures(), share, false);
  }

  boolean finished() {
    return current < 0;
  }

  long moving(int wave) {
    return count(byWave.get(wave), State.MOVING);
  }

  /** A WavePassed event for each wave through its gate since the status last shown. */
  List<Event> passed(RolloutView view) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      WaveStatus previous = view.previousWave(i);
      WaveStatus wave = statuses.get(i);
      if (wave.getHealthyAt() != null && (previous == null || previous.getHealthyAt() == null)) {
        events.add(Event.normal("WavePassed", "wave " + wave.getName() + " passed the health gate: "
            + wave.getReady() + " ready, " + wave.getFailed() + " failed"));
      }
    }
    return events;
  }

  /** Each wave's share: the waves' cumulative sizes resolved against the selection, the last taking the rest. */
  private static int[] shares(List<Wave> waves, int total) {
    int count = waves.size();
    int[] shares = new int[count];
    int movedBefore = 0;
    for (int i = 0; i < count; i++) {
      int cumulative = i == count - 1 ? total
          : Math.max(movedBefore, RolloutSizes.resolve(waves.get(i).getTenants(), total, true));
      shares[i] = cumulative - movedBefore;
      movedBefore = cumulative;
    }
    return shares;
  }

  private static long count(List<Moved> wave, State state) {
    return wave.stream().filter(m -> m.state() == state).count();
  }
}
