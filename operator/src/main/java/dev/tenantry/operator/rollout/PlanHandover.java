package dev.tenantry.operator.rollout;

import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.rollout.RolloutAction.PlanImage;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A rollout's success: tenants of the selected plans that were not moved (pinned by label, or
 * outside a label selector) keep their image on themselves, the plans take the new image, and the
 * moved tenants lose the rollout's marks (their plan now gives them the image).
 */
final class PlanHandover {

  private final RolloutView view;
  private final RolloutPatches patches;
  private final DecisionDraft draft;

  PlanHandover(RolloutView view, RolloutPatches patches, DecisionDraft draft) {
    this.view = view;
    this.patches = patches;
    this.draft = draft;
  }

  RolloutDecision succeed(String target, RolloutSelection selection, TenantRolloutStatus status) {
    Set<String> plans = selectedPlans(selection);
    for (Tenant tenant : view.live()) {
      String plan = tenant.getSpec() == null ? null : tenant.getSpec().getPlan();
      TenantPlan planObject = view.facts().plans().get(plan);
      boolean followsPlan = RuntimeImage.own(tenant).isEmpty() && RuntimeImage.fromRollout(tenant).isEmpty()
          && RuntimeImage.rollout(tenant).filter(view.name()::equals).isEmpty();
      if (plans.contains(plan) && planObject != null && followsPlan
          && !target.equals(RuntimeImage.planImage(planObject))) {
        draft.act(patches.freeze(tenant, RuntimeImage.planImage(planObject)));
      }
    }
    for (String plan : plans) {
      TenantPlan planObject = view.facts().plans().get(plan);
      if (planObject != null && !target.equals(RuntimeImage.planImage(planObject))) {
        draft.act(new PlanImage(plan, target, view.name()));
      }
    }
    for (Tenant tenant : view.ours()) {
      String plan = tenant.getSpec().getPlan();
      boolean planTakesIt = plans.contains(plan) && view.facts().plans().containsKey(plan);
      draft.act(patches.release(tenant, planTakesIt ? Optional.empty() : Optional.of(target)));
    }
    status.setPhase(RolloutPhase.Succeeded);
    status.setCompletedAt(view.nowStamp());
    String message = status.getUpdated() + " tenants run " + target + (status.getFailed() > 0
        ? " (" + status.getFailed() + " of them not Ready, within the gate)" : "") + "; plans " + plans
        + " now give it to new tenants";
    status.setConditions(view.conditions(false, "RolloutSucceeded", message, true, "RolloutSucceeded", message,
        status.getFailed() > 0, status.getFailed() > 0 ? "TenantsFailed" : "Healthy",
        RolloutView.degradedMessage(status.getFailures())));
    draft.event(Event.normal("Succeeded", message));
    return draft.finish(status, Optional.empty());
  }

  /** The plans whose image follows the rollout: those named by the selector, else those of the selected tenants. */
  private Set<String> selectedPlans(RolloutSelection selection) {
    List<String> named = view.spec().effectiveSelector().getPlans();
    if (named != null && !named.isEmpty()) {
      return new TreeSet<>(named);
    }
    Set<String> names = selection.names();
    Set<String> pinned = new LinkedHashSet<>(selection.pinned);
    return view.live().stream()
        .filter(t -> names.contains(t.getMetadata().getName()) || pinned.contains(t.getMetadata().getName()))
        .map(t -> t.getSpec().getPlan()).filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
  }
}
