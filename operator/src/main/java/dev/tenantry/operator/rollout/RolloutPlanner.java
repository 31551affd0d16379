package dev.tenantry.operator.rollout;

import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.RolloutSizes;
import dev.tenantry.crds.rollout.TenantFailure;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.operator.kube.Conditions;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import dev.tenantry.operator.rollout.RolloutSelection.Moved;
import dev.tenantry.operator.rollout.RolloutSelection.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a rollout's next step from {@link RolloutFacts} alone: which tenants to move, revert,
 * release or keep where they are, which plans take the new image, the status to show and when
 * to look again. Pure (no client, no clock of its own), so every rule is tested without a
 * cluster; the reconciler only carries the decision out.
 *
 * <p>The order of a decision is read here; its parts each hold one concern: the spec's checks
 * ({@link RolloutSpecCheck}), who is in play ({@link RolloutSelection}), the waves and their
 * gate ({@link WaveProgress}), the marks on a Tenant ({@link RolloutPatches}), and the two
 * endings ({@link PlanHandover}, {@link RolloutRollback}). Everything it needs to carry on after
 * a restart is on the Tenants themselves.
 */
final class RolloutPlanner {

  static final String PROGRESSING = RolloutView.PROGRESSING;
  static final String COMPLETE = RolloutView.COMPLETE;
  static final String DEGRADED = RolloutView.DEGRADED;
  /** How often a rollout that waits for another one looks again, on top of the Tenant events. */
  static final Duration WAITING_RECHECK = Duration.ofSeconds(30);

  RolloutDecision decide(RolloutFacts facts) {
    return new Decision(RolloutView.of(facts)).decide();
  }

  /** For a rollout that is deleted: its marks come off every tenant it moved, each staying on the image it runs. */
  List<RolloutAction> releaseAll(RolloutFacts facts) {
    RolloutView view = RolloutView.of(facts);
    RolloutPatches patches = new RolloutPatches(view);
    return view.ours().stream()
        .map(t -> (RolloutAction) patches.release(t, RuntimeImage.fromRollout(t))).toList();
  }

  /** One decision's order of work. */
  private static final class Decision {
    private final RolloutView view;
    private final TenantRolloutSpec spec;
    private final TenantRolloutStatus before;
    private final DecisionDraft draft;
    private final RolloutPatches patches;

    Decision(RolloutView view) {
      this.view = view;
      this.spec = view.spec();
      this.before = view.before();
      this.draft = new DecisionDraft(before);
      this.patches = new RolloutPatches(view);
    }

    RolloutDecision decide() {
      RolloutPhase phase = before.getPhase();
      boolean started = view.started();
      if (phase != null && phase.finished()) {
        boolean abortAfterFailure = phase == RolloutPhase.Failed && spec.isAbortRequested() && !view.ours().isEmpty();
        boolean specFixed = phase == RolloutPhase.Failed && !started
            && !Objects.equals(before.getObservedGeneration(), view.generation());
        if (!abortAfterFailure && !specFixed) {
          return new RolloutDecision(List.of(), before, List.of(), Optional.empty());
        }
      }
      if (phase == RolloutPhase.RollingBack || spec.isAbortRequested()) {
        return rollback().rollBack(spec.isAbortRequested() ? "Aborted" : "GateFailed",
            view.base(RolloutPhase.RollingBack), null);
      }
      List<String> problems = RolloutSpecCheck.problems(spec, view.facts().plans());
      if (!problems.isEmpty()) {
        String message = String.join("; ", problems)
            + (started ? "; no further tenant is moved until the spec is fixed" : "; nothing was moved");
        TenantRolloutStatus status = view.base(started ? phase : RolloutPhase.Failed);
        status.setConditions(view.conditions(false, false, true, "InvalidSpec", message));
        draft.event(Event.warning("InvalidSpec", message));
        return draft.finish(status, Optional.empty());
      }

      String target = started ? before.getImage() : spec.getImage();
      RolloutSelection selection = RolloutSelection.of(view, target);
      if (!started) {
        Optional<TenantRollout> blocking = selection.blockingRollout(view);
        if (blocking.isPresent()) {
          String message = "waits for TenantRollout '" + blocking.get().getMetadata().getName()
              + "', which also selects " + names(selection.overlap(view, blocking.get()))
              + "; one rollout at a time per tenant";
          TenantRolloutStatus status = view.base(RolloutPhase.Pending);
          status.setConditions(view.conditions(false, false, false, "WaitingForRollout", message));
          return draft.finish(status, Optional.of(WAITING_RECHECK));
        }
        if (selection.total() == 0) {
          String message = "selects no tenant it may move (" + RolloutSpecCheck.describe(spec.effectiveSelector())
              + "; " + selection.pinned.size() + " pinned, " + selection.busy.size()
              + " in other rollouts); nothing was moved";
          TenantRolloutStatus status = view.base(RolloutPhase.Failed);
          status.setPinned(selection.pinned);
          status.setConditions(view.conditions(false, false, true, "NoTenantsSelected", message));
          draft.event(Event.warning("NoTenantsSelected", message));
          return draft.finish(status, Optional.empty());
        }
      }
      return progress(target, selection);
    }

    private RolloutDecision progress(String target, RolloutSelection selection) {
      WaveProgress waves = WaveProgress.of(view, selection);
      int count = waves.shares.length;
      TenantRolloutStatus status = view.base(RolloutPhase.Progressing);
      status.setImage(target);
      status.setStartedAt(view.started() ? before.getStartedAt() : view.nowStamp());
      status.setSelected(selection.total());
      status.setPinned(selection.pinned);
      status.setWaves(waves.statuses);
      status.setCurrentWave(spec.waveName(waves.finished() ? count - 1 : waves.current));
      List<TenantFailure> failures = selection.moved.stream().filter(m -> m.state() == State.FAILED)
          .map(m -> new TenantFailure(m.name(), spec.waveName(Math.min(m.wave(), count - 1)), failureReason(m, target)))
          .toList();
      status.setFailures(failures);
      status.setFailed(failures.size());
      status.setUpdated(selection.moved.size());
      waves.passed(view).forEach(draft::event);

      if (waves.gateFailed) {
        return gateFailed(target, waves, status, failures);
      }
      if (waves.finished()) {
        return new PlanHandover(view, patches, draft).succeed(target, selection, status);
      }
      String degradedReason = failures.isEmpty() ? "Healthy" : "TenantsFailed";
      String current = spec.waveName(waves.current);
      if (spec.isPausedRequested()) {
        status.setPhase(RolloutPhase.Paused);
        String message = "paused at wave " + current + ": no further tenant is moved until spec.paused is false";
        status.setConditions(view.conditions(false, "Paused", message, false, "Paused", message,
            !failures.isEmpty(), degradedReason, RolloutView.degradedMessage(failures)));
        return draft.finish(status, lookAgain(Optional.ofNullable(waves.soakUntil)));
      }
      List<Tenant> next = nextToMove(selection, waves);
      Optional<Instant> lookAgain = Optional.ofNullable(waves.soakUntil);
      if (!next.isEmpty()) {
        next.forEach(tenant -> draft.act(patches.move(tenant, target, waves.current)));
        WaveStatus shown = waves.statuses.get(waves.current);
        if (shown.getStartedAt() == null) {
          shown.setStartedAt(view.nowStamp());
          draft.event(Event.normal("WaveStarted", "wave " + shown.getName() + " started: "
              + waves.shares[waves.current] + " tenants to " + target));
        }
        shown.setUpdated(shown.getUpdated() + next.size());
        status.setUpdated(status.getUpdated() + next.size());
        lookAgain = earliest(lookAgain, view.now().plusSeconds(spec.effectiveReadyTimeoutSeconds()));
      }
      for (Moved m : waves.byWave.get(waves.current)) {
        if (m.state() == State.MOVING) {
          lookAgain = earliest(lookAgain, m.movedAt().plusSeconds(spec.effectiveReadyTimeoutSeconds()));
        }
      }
      String message = waves.soakUntil != null
          ? "wave " + current + " is healthy; soaking until " + Conditions.timestamp(waves.soakUntil)
          : "wave " + current + ": " + (waves.byWave.get(waves.current).size() + next.size()) + " of "
              + waves.shares[waves.current] + " tenants moved to " + target;
      status.setConditions(view.conditions(true, waves.soakUntil != null ? "Soaking" : "WaveInProgress", message,
          false, "InProgress", message, !failures.isEmpty(), degradedReason, RolloutView.degradedMessage(failures)));
      return draft.finish(status, lookAgain(lookAgain));
    }

    /** The waiting tenants the current wave may take now: within its share and maxUnavailable, none while soaking. */
    private List<Tenant> nextToMove(RolloutSelection selection, WaveProgress waves) {
      int share = waves.shares[waves.current];
      int maxUnavailable = Math.max(1, RolloutSizes.resolve(spec.effectiveMaxUnavailable(), share, false));
      long slots = waves.soakUntil != null ? 0
          : Math.min(maxUnavailable - waves.moving(waves.current), share - waves.byWave.get(waves.current).size());
      return selection.waiting.stream().limit(Math.max(0, slots)).toList();
    }

    private RolloutDecision gateFailed(String target, WaveProgress waves, TenantRolloutStatus status,
        List<TenantFailure> failures) {
      String message = "wave " + spec.waveName(waves.current) + " has " + waves.statuses.get(waves.current).getFailed()
          + " failed tenants, more than the gate's " + WaveProgress.gateAllows(spec, waves.shares[waves.current])
          + ": " + RolloutView.listed(failures);
      draft.event(Event.warning("GateFailed", message));
      if (spec.rollsBackAutomatically()) {
        return rollback().rollBack("GateFailed", status, message);
      }
      status.setPhase(RolloutPhase.Failed);
      status.setCompletedAt(view.nowStamp());
      status.setConditions(view.conditions(false, "GateFailed", message + "; automatic rollback is off: moved tenants "
          + "stay on " + target + " (set spec.abort to roll them back)", false, "GateFailed", message, true,
          "GateFailed", message));
      return draft.finish(status, Optional.empty());
    }

    private RolloutRollback rollback() {
      return new RolloutRollback(view, patches, draft);
    }

    private String failureReason(Moved moved, String target) {
      String ready = moved.tenant().getStatus() == null ? "no status"
          : moved.tenant().getStatus().condition(TenantConditions.READY)
              .map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Ready condition");
      return "not Ready on " + target + " within " + spec.effectiveReadyTimeoutSeconds() + " s (" + ready + ")";
    }

    /** A second past the instant, so the look finds it passed. */
    private Optional<Duration> lookAgain(Optional<Instant> at) {
      return at.map(instant -> Duration.between(view.now(), instant).plusSeconds(1));
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Instant b) {
      return Optional.of(a.filter(instant -> instant.isBefore(b)).orElse(b));
    }

    private static String names(List<String> names) {
      int listed = RolloutView.LISTED_NAMES;
      return names.size() <= listed ? "tenants " + names
          : "tenants " + names.subList(0, listed) + " and " + (names.size() - listed) + " more";
    }
  }
}
