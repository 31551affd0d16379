package dev.tenantry.operator.rollout;

import dev.tenantry.crds.rollout.RolloutConditions;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantFailure;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.rollout.WaveStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one rollout decision reads, taken once from the facts: the rollout's name, spec and
 * status before this step, the live tenants and those this rollout has moved; and how a status
 * of this rollout is written (carried-over fields, its three conditions).
 */
record RolloutView(RolloutFacts facts, String name, TenantRolloutSpec spec, TenantRolloutStatus before,
    Instant now, Long generation, List<Tenant> live, List<Tenant> ours) {

  static final String PROGRESSING = RolloutConditions.PROGRESSING;
  static final String COMPLETE = RolloutConditions.COMPLETE;
  static final String DEGRADED = RolloutConditions.DEGRADED;
  static final int LISTED_NAMES = 5;

  static RolloutView of(RolloutFacts facts) {
    String name = facts.rollout().getMetadata().getName();
    TenantRolloutStatus before = facts.rollout().getStatus() == null ? new TenantRolloutStatus()
        : facts.rollout().getStatus();
    List<Tenant> live = facts.tenants().stream().filter(t -> t.getMetadata().getDeletionTimestamp() == null).toList();
    List<Tenant> ours = live.stream().filter(t -> RuntimeImage.rollout(t).filter(name::equals).isPresent()).toList();
    return new RolloutView(facts, name, facts.rollout().getSpec(), before, facts.now(),
        facts.rollout().getMetadata().getGeneration(), live, ours);
  }

  boolean started() {
    return before.getStartedAt() != null;
  }

  String nowStamp() {
    return Conditions.timestamp(now);
  }

  /** A status carrying over what is kept between steps. */
  TenantRolloutStatus base(RolloutPhase phase) {
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

  /** The rollout's three conditions, each keeping its transition time while it holds as before. */
  List<Condition> conditions(boolean progressing, String progressingReason, String progressingMessage,
      boolean complete, String completeReason, String completeMessage, boolean degraded, String degradedReason,
      String degradedMessage) {
    List<Condition> previous = before.getConditions();
    return List.of(
        Conditions.of(previous, PROGRESSING, progressing, progressingReason, progressingMessage, generation, now),
        Conditions.of(previous, COMPLETE, complete, completeReason, completeMessage, generation, now),
        Conditions.of(previous, DEGRADED, degraded, degradedReason, degradedMessage, generation, now));
  }

  /** The same three conditions with one reason and message for all. */
  List<Condition> conditions(boolean progressing, boolean complete, boolean degraded, String reason, String message) {
    return conditions(progressing, reason, message, complete, reason, message, degraded, reason, message);
  }

  /** The wave's status as last shown, if the wave at that index still has that name. */
  WaveStatus previousWave(int index) {
    List<WaveStatus> waves = before.getWaves();
    return waves != null && index < waves.size() && spec.waveName(index).equals(waves.get(index).getName())
        ? waves.get(index) : null;
  }

  static String degradedMessage(List<TenantFailure> failures) {
    return failures == null || failures.isEmpty() ? "no tenant has failed the health gate"
        : failures.size() + " tenants failed the health gate: " + listed(failures);
  }

  static String listed(List<TenantFailure> failures) {
    return failures.stream().limit(LISTED_NAMES).map(TenantFailure::toString).collect(Collectors.joining("; "));
  }
}
