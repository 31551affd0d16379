package dev.tenantry.operator.rollout;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRolloutStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.rollout.RolloutDecision.Event;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Map;
import java.util.Optional;

/**
 * Moves every tenant a rollout moved back to the image it had; a reverted tenant keeps the
 * rollout's label until its status shows that image again, then is released. RolledBack once
 * none is left.
 */
final class RolloutRollback {

  private final RolloutView view;
  private final RolloutPatches patches;
  private final DecisionDraft draft;

  RolloutRollback(RolloutView view, RolloutPatches patches, DecisionDraft draft) {
    this.view = view;
    this.patches = patches;
    this.draft = draft;
  }

  /** Rolls back for {@code reason} ({@code Aborted} or {@code GateFailed}); {@code cause} says why, or is read from the status. */
  RolloutDecision rollBack(String reason, TenantRolloutStatus status, String cause) {
    int reverting = 0;
    for (Tenant tenant : view.ours()) {
      Map<String, String> annotations = RolloutSelection.annotations(tenant);
      String from = annotations.get(TenantryApi.ROLLOUT_FROM_ANNOTATION);
      if (annotations.containsKey(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION)) {
        draft.act(patches.revert(tenant, from));
        reverting++;
      } else if (from == null || tenant.getStatus() == null || tenant.getStatus().getRuntime() == null
          || from.equals(tenant.getStatus().getRuntime().getImage())) {
        draft.act(patches.release(tenant, Optional.ofNullable(RuntimeImage.fromRollout(tenant).orElse(null))));
      } else {
        reverting++;
      }
    }
    String why = cause != null ? cause
        : "Aborted".equals(reason) ? "aborted (spec.abort)" : view.before().condition(RolloutView.DEGRADED)
            .map(Condition::getMessage).orElse("rolling back");
    if (view.before().getPhase() != RolloutPhase.RollingBack) {
      draft.event(Event.warning("RollingBack", why + "; moving " + view.ours().size()
          + " tenants back to their previous image"));
    }
    if (reverting > 0) {
      status.setPhase(RolloutPhase.RollingBack);
      String message = why + "; " + reverting + " tenants going back to their previous image";
      status.setConditions(view.conditions(true, "RollingBack", message, false, reason, message, true, reason, why));
      return draft.finish(status, Optional.empty());
    }
    status.setPhase(RolloutPhase.RolledBack);
    status.setCompletedAt(view.nowStamp());
    String message = why + "; every tenant the rollout moved runs its previous image again";
    status.setConditions(view.conditions(false, "RolledBack", message, false, "RolledBack", message, true, reason, why));
    draft.event(Event.warning("RolledBack", message));
    return draft.finish(status, Optional.empty());
  }
}
