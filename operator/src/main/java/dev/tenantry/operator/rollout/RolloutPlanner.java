package dev.tenantry.operator.rollout;

import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.RolloutSizes;
import dev.tenantry.crds.rollout.TenantFailure;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.operator.kube.Conditions;
import dev.tenantry.operator.rollout.RolloutAction.Kind;
import dev.tenantry.operator.rollout.RolloutAction.PlanImage;
import dev.tenantry.operator.rollout.RolloutAction.TenantPatch;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides a rollout's next step from {@link RolloutFacts} alone: which tenants to move, revert,
 * release or keep where they are, which plans take the new image, the status to show and when
 * to look again. Pure (no client, no clock of its own), so every rule is tested without a
 * cluster; the reconciler only carries the decision out.
 *
 * <p>Everything it needs to carry on after a restart is on the Tenants themselves: a moved
 * tenant carries the rollout's label and annotations naming its wave, the image it had and
 * when it was moved. Tenants wait in name order; a wave is through when it has moved its share
 * and each of its tenants is Ready on the new image or has failed the gate.
 */
final class RolloutPlanner {

  static final String PROGRESSING = "Progressing";
  static final String COMPLETE = "Complete";
  static final String DEGRADED = "Degraded";
  /** How often a rollout that waits for another one looks again, on top of the Tenant events. */
  static final Duration WAITING_RECHECK = Duration.ofSeconds(30);
  private static final int LISTED_NAMES = 5;

  private enum State { MOVING, READY, FAILED }

  /** A tenant this rollout moved, where it is now. */
  private record Moved(Tenant tenant, int wave, Instant movedAt, State state) {
    String name() {
      return tenant.getMetadata().getName();
    }
  }

  RolloutDecision decide(RolloutFacts facts) {
    return new Decision(facts).decide();
  }

  /** For a rollout that is deleted: its marks come off every tenant it moved, each staying on the image it runs. */
  List<RolloutAction> releaseAll(RolloutFacts facts) {
    return new Decision(facts).releaseAll();
  }

  /** One decision's working state. */
  private static final class Decision {
    private final RolloutFacts facts;
    private final TenantRollout rollout;
    private final String name;
    private final TenantRolloutSpec spec;
    private final TenantRolloutStatus before;
    private final Instant now;
    private final Long generation;
    private final List<RolloutAction> actions = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Tenant> live;
    private final List<Tenant> ours;

    Decision(RolloutFacts facts) {
      this.facts = facts;
      this.rollout = facts.rollout();
      this.name = rollout.getMetadata().getName();
      this.spec = rollout.getSpec();
      this.before = rollout.getStatus() == null ? new TenantRolloutStatus() : rollout.getStatus();
      this.now = facts.now();
      this.generation = rollout.getMetadata().getGeneration();
      this.live = facts.tenants().stream().filter(t -> t.getMetadata().getDeletionTimestamp() == null).toList();
      this.ours = live.stream().filter(t -> RuntimeImage.rollout(t).filter(name::equals).isPresent()).toList();
    }

    RolloutDecision decide() {
      RolloutPhase phase = before.getPhase();
      boolean started = before.getStartedAt() != null;
      if (phase != null && phase.finished()) {
        boolean abortAfterFailure = phase == RolloutPhase.Failed && spec.isAbortRequested() && !ours.isEmpty();
        boolean specFixed = phase == RolloutPhase.Failed && !started
            && !Objects.equals(before.getObservedGeneration(), generation);
        if (!abortAfterFailure && !specFixed) {
          return new RolloutDecision(List.of(), before, List.of(), Optional.empty());
        }
      }
      if (phase == RolloutPhase.RollingBack || spec.isAbortRequested()) {
        return rollBack(started ? before.getImage() : spec.getImage(),
            spec.isAbortRequested() ? "Aborted" : "GateFailed");
      }
      List<String> problems = problems();
      if (!problems.isEmpty()) {
        TenantRolloutStatus status = base(started ? before.getPhase() : RolloutPhase.Failed);
        String message = String.join("; ", problems)
            + (started ? "; no further tenant is moved until the spec is fixed" : "; nothing was moved");
        status.setConditions(conditions(false, "InvalidSpec", message, false, "InvalidSpec", message,
            true, "InvalidSpec", message));
        events.add(Event.warning("InvalidSpec", message));
        return decision(status, Optional.empty());
      }

      String target = started ? before.getImage() : spec.getImage();
      Selection selection = select(target);
      if (!started) {
        Optional<TenantRollout> blocking = blockingRollout(selection);
        if (blocking.isPresent()) {
          TenantRolloutStatus status = base(RolloutPhase.Pending);
          String message = "waits for TenantRollout '" + blocking.get().getMetadata().getName()
              + "', which also selects " + names(overlap(blocking.get(), selection)) + "; one rollout at a time per tenant";
          status.setConditions(conditions(false, "WaitingForRollout", message, false, "WaitingForRollout", message,
              false, "WaitingForRollout", message));
          return decision(status, Optional.of(WAITING_RECHECK));
        }
        if (selection.total() == 0) {
          TenantRolloutStatus status = base(RolloutPhase.Failed);
          status.setPinned(selection.pinned);
          String message = "selects no tenant it may move (" + describe(spec.effectiveSelector()) + "; "
              + selection.pinned.size() + " pinned, " + selection.busy.size() + " in other rollouts); nothing was moved";
          status.setConditions(conditions(false, "NoTenantsSelected", message, false, "NoTenantsSelected", message,
              true, "NoTenantsSelected", message));
          events.add(Event.warning("NoTenantsSelected", message));
          return decision(status, Optional.empty());
        }
      }
      return progress(target, selection);
    }

    List<RolloutAction> releaseAll() {
      return ours.stream().map(t -> (RolloutAction) release(t, RuntimeImage.fromRollout(t))).toList();
    }

    // ------------------------------------------------------------------ selection

    /** The tenants in play: moved by this rollout, waiting to be moved (in name order), pinned, busy elsewhere. */
    private final class Selection {
      final List<Moved> moved = new ArrayList<>();
      final List<Tenant> waiting = new ArrayList<>();
      final List<String> pinned = new ArrayList<>();
      final List<String> busy = new ArrayList<>();

      int total() {
        return moved.size() + waiting.size();
      }

      Set<String> names() {
        Set<String> all = new TreeSet<>();
        moved.forEach(m -> all.add(m.name()));
        waiting.forEach(t -> all.add(t.getMetadata().getName()));
        return all;
      }
    }

    private Selection select(String target) {
      Selection selection = new Selection();
      TenantSelector selector = spec.effectiveSelector();
      Set<String> activeOthers = facts.otherRollouts().stream()
          .filter(TenantRollout::isUnfinished)
          .map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
      for (Tenant tenant : live.stream().sorted(Comparator.comparing(t -> t.getMetadata().getName())).toList()) {
        String tenantName = tenant.getMetadata().getName();
        Optional<String> label = RuntimeImage.rollout(tenant);
        if (label.filter(name::equals).isPresent()) {
          if (movedAt(tenant).isPresent()) {
            selection.moved.add(moved(tenant, target));
          }
          continue;
        }
        if (!selector.selects(tenant)) {
          continue;
        }
        if (RuntimeImage.pinnedBecause(tenant).isPresent()) {
          selection.pinned.add(tenantName);
        } else if (label.filter(activeOthers::contains).isPresent()) {
          selection.busy.add(tenantName);
        } else {
          selection.waiting.add(tenant);
        }
      }
      return selection;
    }

    private Moved moved(Tenant tenant, String target) {
      int wave = wave(tenant);
      Instant movedAt = movedAt(tenant).orElse(now);
      State state;
      if (readyOn(tenant, target)) {
        state = State.READY;
      } else if (!now.isBefore(movedAt.plusSeconds(spec.effectiveReadyTimeoutSeconds()))) {
        state = State.FAILED;
      } else {
        state = State.MOVING;
      }
      return new Moved(tenant, wave, movedAt, state);
    }

    /** An earlier rollout, not finished, that selects some of the same tenants: this one waits for it. */
    private Optional<TenantRollout> blockingRollout(Selection selection) {
      return facts.otherRollouts().stream()
          .filter(TenantRollout::isUnfinished)
          .filter(this::isEarlier)
          .filter(o -> !overlap(o, selection).isEmpty())
          .findFirst();
    }

    private boolean isEarlier(TenantRollout other) {
      Comparator<TenantRollout> order = Comparator
          .comparing((TenantRollout r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
          .thenComparing(r -> r.getMetadata().getName());
      return order.compare(other, rollout) < 0;
    }

    private List<String> overlap(TenantRollout other, Selection selection) {
      TenantSelector theirs = other.getSpec().effectiveSelector();
      String otherName = other.getMetadata().getName();
      Set<String> mine = selection.names();
      mine.addAll(selection.busy);
      return live.stream()
          .filter(t -> mine.contains(t.getMetadata().getName()))
          .filter(t -> RuntimeImage.rollout(t).filter(otherName::equals).isPresent()
              || (theirs.selects(t) && RuntimeImage.pinnedBecause(t).isEmpty()))
          .map(t -> t.getMetadata().getName()).sorted().toList();
    }

    // ------------------------------------------------------------------ waves

    private RolloutDecision progress(String target, Selection selection) {
      List<Wave> waves = spec.effectiveWaves();
      int count = waves.size();
      int total = selection.total();
      int[] shares = new int[count];
      int movedBefore = 0;
      for (int i = 0; i < count; i++) {
        int cumulative = i == count - 1 ? total
            : Math.max(movedBefore, RolloutSizes.resolve(waves.get(i).getTenants(), total, true));
        shares[i] = cumulative - movedBefore;
        movedBefore = cumulative;
      }
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

      TenantRolloutStatus status = base(RolloutPhase.Progressing);
      status.setImage(target);
      status.setStartedAt(before.getStartedAt() != null ? before.getStartedAt() : Conditions.timestamp(now));
      status.setSelected(total);
      status.setPinned(selection.pinned);

      int current = -1;
      boolean gateFailed = false;
      Instant soakUntil = null;
      List<WaveStatus> waveStatuses = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        List<Moved> wave = byWave.get(i);
        long failed = wave.stream().filter(m -> m.state() == State.FAILED).count();
        long moving = wave.stream().filter(m -> m.state() == State.MOVING).count();
        boolean through = wave.size() >= shares[i] && moving == 0;
        boolean gateFails = failed > RolloutSizes.resolve(spec.effectiveMaxFailures(), shares[i], false);
        boolean reached = current < 0;
        WaveStatus previous = previousWave(i);
        String healthyAt = reached && through && !gateFails
            ? Optional.ofNullable(previous).map(WaveStatus::getHealthyAt).orElse(Conditions.timestamp(now)) : null;
        waveStatuses.add(new WaveStatus(spec.waveName(i), shares[i], wave.size(),
            (int) wave.stream().filter(m -> m.state() == State.READY).count(), (int) failed,
            wave.isEmpty() ? null : Optional.ofNullable(previous).map(WaveStatus::getStartedAt)
                .orElse(Conditions.timestamp(now)),
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
          if (now.isBefore(soaked)) {
            current = i;
            soakUntil = soaked;
          }
        }
      }
      status.setWaves(waveStatuses);
      status.setCurrentWave(spec.waveName(current < 0 ? count - 1 : current));
      List<TenantFailure> failures = selection.moved.stream().filter(m -> m.state() == State.FAILED)
          .map(m -> new TenantFailure(m.name(), spec.waveName(Math.min(m.wave(), count - 1)), failureReason(m, target)))
          .toList();
      status.setFailures(failures);
      status.setFailed(failures.size());
      status.setUpdated(selection.moved.size());
      waveEvents(waveStatuses);

      if (gateFailed) {
        String message = "wave " + spec.waveName(current) + " has " + waveStatuses.get(current).getFailed()
            + " failed tenants, more than the gate's " + RolloutSizes.resolve(spec.effectiveMaxFailures(), shares[current], false)
            + ": " + failures.stream().limit(LISTED_NAMES).map(TenantFailure::toString).collect(Collectors.joining("; "));
        events.add(Event.warning("GateFailed", message));
        if (spec.rollsBackAutomatically()) {
          return rollBack(target, "GateFailed", status, message);
        }
        status.setPhase(RolloutPhase.Failed);
        status.setCompletedAt(Conditions.timestamp(now));
        status.setConditions(conditions(false, "GateFailed", message + "; automatic rollback is off: moved tenants stay "
            + "on " + target + " (set spec.abort to roll them back)", false, "GateFailed", message, true, "GateFailed",
            message));
        return decision(status, Optional.empty());
      }
      if (current < 0) {
        return succeed(target, selection, status);
      }

      Optional<Instant> lookAgain = Optional.ofNullable(soakUntil);
      if (spec.isPausedRequested()) {
        status.setPhase(RolloutPhase.Paused);
        String message = "paused at wave " + spec.waveName(current) + ": no further tenant is moved until spec.paused "
            + "is false";
        status.setConditions(conditions(false, "Paused", message, false, "Paused", message,
            !failures.isEmpty(), failures.isEmpty() ? "Healthy" : "TenantsFailed", degradedMessage(failures)));
      } else {
        List<Moved> wave = byWave.get(current);
        long moving = wave.stream().filter(m -> m.state() == State.MOVING).count();
        int maxUnavailable = Math.max(1, RolloutSizes.resolve(spec.effectiveMaxUnavailable(), shares[current], false));
        long slots = soakUntil != null ? 0 : Math.min(maxUnavailable - moving, shares[current] - wave.size());
        List<Tenant> next = selection.waiting.stream().limit(Math.max(0, slots)).toList();
        for (Tenant tenant : next) {
          actions.add(move(tenant, target, current));
        }
        if (!next.isEmpty()) {
          WaveStatus shown = waveStatuses.get(current);
          if (shown.getStartedAt() == null) {
            shown.setStartedAt(Conditions.timestamp(now));
            events.add(Event.normal("WaveStarted", "wave " + shown.getName() + " started: " + shares[current]
                + " tenants to " + target));
          }
          shown.setUpdated(shown.getUpdated() + next.size());
          status.setUpdated(status.getUpdated() + next.size());
          lookAgain = earliest(lookAgain, Optional.of(now.plusSeconds(spec.effectiveReadyTimeoutSeconds())));
        }
        for (Moved m : wave) {
          if (m.state() == State.MOVING) {
            lookAgain = earliest(lookAgain,
                Optional.of(m.movedAt().plusSeconds(spec.effectiveReadyTimeoutSeconds())));
          }
        }
        String message = soakUntil != null
            ? "wave " + spec.waveName(current) + " is healthy; soaking until " + Conditions.timestamp(soakUntil)
            : "wave " + spec.waveName(current) + ": " + (wave.size() + next.size()) + " of " + shares[current]
                + " tenants moved to " + target;
        status.setConditions(conditions(true, soakUntil != null ? "Soaking" : "WaveInProgress", message, false,
            "InProgress", message, !failures.isEmpty(), failures.isEmpty() ? "Healthy" : "TenantsFailed",
            degradedMessage(failures)));
      }
      // a second past the instant, so the look finds it passed
      return decision(status, lookAgain.map(at -> Duration.between(now, at).plusSeconds(1)));
    }

    private void waveEvents(List<WaveStatus> waves) {
      for (int i = 0; i < waves.size(); i++) {
        WaveStatus previous = previousWave(i);
        if (waves.get(i).getHealthyAt() != null && (previous == null || previous.getHealthyAt() == null)) {
          events.add(Event.normal("WavePassed", "wave " + waves.get(i).getName() + " passed the health gate: "
              + waves.get(i).getReady() + " ready, " + waves.get(i).getFailed() + " failed"));
        }
      }
    }

    private WaveStatus previousWave(int index) {
      List<WaveStatus> waves = before.getWaves();
      return waves != null && index < waves.size() && spec.waveName(index).equals(waves.get(index).getName())
          ? waves.get(index) : null;
    }

    // ------------------------------------------------------------------ endings

    /**
     * Every selected tenant runs the new image: tenants of the selected plans that were not moved
     * (pinned by label, or outside a label selector) keep their image on themselves, the plans take
     * the new image, and the moved tenants lose the rollout's marks (their plan now gives them the image).
     */
    private RolloutDecision succeed(String target, Selection selection, TenantRolloutStatus status) {
      Set<String> plans = selectedPlans(selection);
      for (Tenant tenant : live) {
        String plan = tenant.getSpec() == null ? null : tenant.getSpec().getPlan();
        TenantPlan planObject = facts.plans().get(plan);
        boolean followsPlan = RuntimeImage.own(tenant).isEmpty() && RuntimeImage.fromRollout(tenant).isEmpty()
            && RuntimeImage.rollout(tenant).filter(name::equals).isEmpty();
        if (plans.contains(plan) && planObject != null && followsPlan
            && !target.equals(RuntimeImage.planImage(planObject))) {
          Map<String, String> annotations = new HashMap<>();
          annotations.put(TenantryApi.IMAGE_ANNOTATION, RuntimeImage.planImage(planObject));
          actions.add(new TenantPatch(Kind.FREEZE, tenant.getMetadata().getName(),
              tenant.getMetadata().getResourceVersion(), Map.of(), annotations));
        }
      }
      for (String plan : plans) {
        TenantPlan planObject = facts.plans().get(plan);
        if (planObject != null && !target.equals(RuntimeImage.planImage(planObject))) {
          actions.add(new PlanImage(plan, target, name));
        }
      }
      for (Tenant tenant : ours) {
        boolean planTakesIt = plans.contains(tenant.getSpec().getPlan()) && facts.plans().containsKey(tenant.getSpec().getPlan());
        actions.add(release(tenant, planTakesIt ? Optional.empty() : Optional.of(target)));
      }
      status.setPhase(RolloutPhase.Succeeded);
      status.setCompletedAt(Conditions.timestamp(now));
      String message = status.getUpdated() + " tenants run " + target + (status.getFailed() > 0
          ? " (" + status.getFailed() + " of them not Ready, within the gate)" : "") + "; plans " + plans
          + " now give it to new tenants";
      status.setConditions(conditions(false, "RolloutSucceeded", message, true, "RolloutSucceeded", message,
          status.getFailed() > 0, status.getFailed() > 0 ? "TenantsFailed" : "Healthy", degradedMessage(status.getFailures())));
      events.add(Event.normal("Succeeded", message));
      return decision(status, Optional.empty());
    }

    /** The plans whose image follows the rollout: those named by the selector, else those of the selected tenants. */
    private Set<String> selectedPlans(Selection selection) {
      List<String> named = spec.effectiveSelector().getPlans();
      if (named != null && !named.isEmpty()) {
        return new TreeSet<>(named);
      }
      Set<String> names = selection.names();
      Set<String> pinned = new LinkedHashSet<>(selection.pinned);
      return live.stream()
          .filter(t -> names.contains(t.getMetadata().getName()) || pinned.contains(t.getMetadata().getName()))
          .map(t -> t.getSpec().getPlan()).filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
    }

    private RolloutDecision rollBack(String target, String reason) {
      return rollBack(target, reason, base(RolloutPhase.RollingBack), null);
    }

    /**
     * Moves every tenant this rollout moved back to the image it had; a reverted tenant keeps the
     * rollout's label until its status shows that image again, then is released. RolledBack once
     * none is left.
     */
    private RolloutDecision rollBack(String target, String reason, TenantRolloutStatus status, String cause) {
      int reverting = 0;
      for (Tenant tenant : ours) {
        Map<String, String> annotations = annotations(tenant);
        String from = annotations.get(TenantryApi.ROLLOUT_FROM_ANNOTATION);
        if (annotations.containsKey(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION)) {
          actions.add(revert(tenant, from));
          reverting++;
        } else if (from == null || tenant.getStatus() == null || tenant.getStatus().getRuntime() == null
            || from.equals(tenant.getStatus().getRuntime().getImage())) {
          actions.add(release(tenant, Optional.ofNullable(RuntimeImage.fromRollout(tenant).orElse(null))));
        } else {
          reverting++;
        }
      }
      String why = cause != null ? cause
          : "Aborted".equals(reason) ? "aborted (spec.abort)" : before.condition(DEGRADED)
              .map(Condition::getMessage).orElse("rolling back");
      if (before.getPhase() != RolloutPhase.RollingBack) {
        events.add(Event.warning("RollingBack", why + "; moving " + ours.size() + " tenants back to their previous image"));
      }
      if (reverting > 0) {
        status.setPhase(RolloutPhase.RollingBack);
        String message = why + "; " + reverting + " tenants going back to their previous image";
        status.setConditions(conditions(true, "RollingBack", message, false, reason, message, true, reason, why));
        return decision(status, Optional.empty());
      }
      status.setPhase(RolloutPhase.RolledBack);
      status.setCompletedAt(Conditions.timestamp(now));
      String message = why + "; every tenant the rollout moved runs its previous image again";
      status.setConditions(conditions(false, "RolledBack", message, false, "RolledBack", message, true, reason, why));
      events.add(Event.warning("RolledBack", message));
      return decision(status, Optional.empty());
    }

    // ------------------------------------------------------------------ patches

    private TenantPatch move(Tenant tenant, String target, int wave) {
      Map<String, String> annotations = new HashMap<>();
      annotations.put(TenantryApi.IMAGE_ANNOTATION, target);
      annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, String.valueOf(wave));
      annotations.put(TenantryApi.ROLLOUT_FROM_ANNOTATION, currentImage(tenant));
      annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, Conditions.timestamp(now));
      return new TenantPatch(Kind.MOVE, tenant.getMetadata().getName(), tenant.getMetadata().getResourceVersion(),
          Map.of(TenantryApi.ROLLOUT_LABEL, name), annotations);
    }

    /** Back to {@code from}: by dropping the rollout's image when the plan gives that image anyway. */
    private TenantPatch revert(Tenant tenant, String from) {
      TenantPlan plan = facts.plans().get(tenant.getSpec().getPlan());
      Map<String, String> annotations = new HashMap<>();
      annotations.put(TenantryApi.IMAGE_ANNOTATION,
          from == null || (plan != null && from.equals(RuntimeImage.planImage(plan))) ? null : from);
      annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, null);
      annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, null);
      return new TenantPatch(Kind.REVERT, tenant.getMetadata().getName(), tenant.getMetadata().getResourceVersion(),
          Map.of(), annotations);
    }

    private TenantPatch release(Tenant tenant, Optional<String> image) {
      Map<String, String> labels = new HashMap<>();
      labels.put(TenantryApi.ROLLOUT_LABEL, null);
      Map<String, String> annotations = new HashMap<>();
      annotations.put(TenantryApi.IMAGE_ANNOTATION, image.orElse(null));
      annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, null);
      annotations.put(TenantryApi.ROLLOUT_FROM_ANNOTATION, null);
      annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, null);
      return new TenantPatch(Kind.RELEASE, tenant.getMetadata().getName(), tenant.getMetadata().getResourceVersion(),
          labels, annotations);
    }

    /** The image a tenant runs now, as its plan and marks say (its status may lag). */
    private String currentImage(Tenant tenant) {
      TenantPlan plan = facts.plans().get(tenant.getSpec().getPlan());
      if (plan != null) {
        return RuntimeImage.of(tenant, plan);
      }
      return tenant.getStatus() != null && tenant.getStatus().getRuntime() != null
          ? tenant.getStatus().getRuntime().getImage() : null;
    }

    // ------------------------------------------------------------------ reading tenants

    private static boolean readyOn(Tenant tenant, String image) {
      return tenant.getStatus() != null && tenant.getStatus().getRuntime() != null
          && image.equals(tenant.getStatus().getRuntime().getImage())
          && tenant.getStatus().condition(TenantConditions.READY).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private String failureReason(Moved moved, String target) {
      String ready = moved.tenant().getStatus() == null ? "no status" : moved.tenant().getStatus().condition(TenantConditions.READY)
          .map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Ready condition");
      return "not Ready on " + target + " within " + spec.effectiveReadyTimeoutSeconds() + " s (" + ready + ")";
    }

    private static int wave(Tenant tenant) {
      try {
        return Math.max(0, Integer.parseInt(annotations(tenant).getOrDefault(TenantryApi.ROLLOUT_WAVE_ANNOTATION, "0")));
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static Optional<Instant> movedAt(Tenant tenant) {
      String value = annotations(tenant).get(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION);
      try {
        return Optional.ofNullable(value).map(Instant::parse);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    private static Map<String, String> annotations(Tenant tenant) {
      return tenant.getMetadata().getAnnotations() == null ? Map.of() : tenant.getMetadata().getAnnotations();
    }

    // ------------------------------------------------------------------ spec checks and status

    /** What the API server's schema cannot check: sizes, label operators, plans that exist. */
    private List<String> problems() {
      List<String> problems = new ArrayList<>();
      List<Wave> waves = spec.effectiveWaves();
      for (int i = 0; i < waves.size(); i++) {
        IntOrString size = waves.get(i).getTenants();
        String field = "spec.waves[" + i + "].tenants: ";
        RolloutSizes.problem(size)
            .or(() -> RolloutSizes.takesNone(size) ? Optional.of("a wave must take at least one tenant") : Optional.empty())
            .ifPresent(problem -> problems.add(field + problem));
      }
      Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < waves.size(); i++) {
        if (!names.add(spec.waveName(i))) {
          problems.add("spec.waves[" + i + "].name: '" + spec.waveName(i) + "' is used twice");
        }
      }
      RolloutSizes.problem(spec.effectiveMaxUnavailable()).ifPresent(p -> problems.add("spec.maxUnavailable: " + p));
      RolloutSizes.problem(spec.effectiveMaxFailures()).ifPresent(p -> problems.add("spec.healthGate.maxFailures: " + p));
      TenantSelector selector = spec.effectiveSelector();
      if (selector.getPlans() != null) {
        List<String> unknown = selector.getPlans().stream().filter(p -> !facts.plans().containsKey(p)).toList();
        if (!unknown.isEmpty()) {
          problems.add("spec.selector.plans: no TenantPlan " + unknown + " (plans: "
              + new TreeSet<>(facts.plans().keySet()) + ")");
        }
      }
      if (selector.getMatchExpressions() != null) {
        selector.getMatchExpressions().stream()
            .filter(r -> !List.of("In", "NotIn", "Exists", "DoesNotExist").contains(String.valueOf(r.getOperator())))
            .forEach(r -> problems.add("spec.selector.matchExpressions: operator '" + r.getOperator()
                + "' is not In, NotIn, Exists or DoesNotExist"));
      }
      return problems;
    }

    /** A status carrying over what is kept between steps. */
    private TenantRolloutStatus base(RolloutPhase phase) {
      TenantRolloutStatus status = new TenantRolloutStatus();
      status.setPhase(phase);
      status.setObservedGeneration(generation);
      status.setImage(before.getImage());
      status.setStartedAt(before.getStartedAt());
      status.setCurrentWave(before.getCurrentWave());
      status.setSelected(before.getSelected());
      status.setUpdated(before.getUpdated());
      status.setFailed(before.getFailed());
      status.setWaves(before.getWaves() == null ? new ArrayList<>() : before.getWaves());
      status.setPinned(before.getPinned() == null ? new ArrayList<>() : before.getPinned());
      status.setFailures(before.getFailures() == null ? new ArrayList<>() : before.getFailures());
      return status;
    }

    private List<Condition> conditions(boolean progressing, String progressingReason, String progressingMessage,
        boolean complete, String completeReason, String completeMessage, boolean degraded, String degradedReason,
        String degradedMessage) {
      List<Condition> previous = before.getConditions();
      return List.of(
          Conditions.of(previous, PROGRESSING, progressing, progressingReason, progressingMessage, generation, now),
          Conditions.of(previous, COMPLETE, complete, completeReason, completeMessage, generation, now),
          Conditions.of(previous, DEGRADED, degraded, degradedReason, degradedMessage, generation, now));
    }

    private static String degradedMessage(List<TenantFailure> failures) {
      return failures == null || failures.isEmpty() ? "no tenant has failed the health gate"
          : failures.size() + " tenants failed the health gate: "
              + failures.stream().limit(LISTED_NAMES).map(TenantFailure::toString).collect(Collectors.joining("; "));
    }

    private RolloutDecision decision(TenantRolloutStatus status, Optional<Duration> lookAgain) {
      if (Objects.equals(status, before)) {
        events.clear();
      }
      return new RolloutDecision(List.copyOf(actions), status, List.copyOf(events), lookAgain);
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
      if (a.isEmpty()) {
        return b;
      }
      if (b.isEmpty()) {
        return a;
      }
      return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }

    private static String names(List<String> names) {
      return names.size() <= LISTED_NAMES ? "tenants " + names
          : "tenants " + names.subList(0, LISTED_NAMES) + " and " + (names.size() - LISTED_NAMES) + " more";
    }

    private static String describe(TenantSelector selector) {
      if (selector.isEmpty()) {
        return "every tenant";
      }
      List<String> parts = new ArrayList<>();
      if (selector.getPlans() != null && !selector.getPlans().isEmpty()) {
        parts.add("plans " + selector.getPlans());
      }
      if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
        parts.add("labels " + selector.getMatchLabels());
      }
      if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
        parts.add(selector.getMatchExpressions().size() + " label expressions");
      }
      return String.join(", ", parts);
    }
  }
}
