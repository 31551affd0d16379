package dev.tenantry.operator.rollout;

import java.util.Map;

/** One write a rollout step makes, in the order the planner lists them. */
sealed interface RolloutAction permits RolloutAction.TenantPatch, RolloutAction.PlanImage {

  /** Why a Tenant's metadata is patched. */
  enum Kind {
    /** to the new image, marked as this rollout's */
    MOVE,
    /** back to the image it had before the rollout */
    REVERT,
    /** the rollout's marks removed once it is over for this tenant */
    RELEASE,
    /** kept on its current image (pinned or not selected) while its plan's image changes */
    FREEZE
  }

  /**
   * A merge patch of a Tenant's labels and annotations (a {@code null} value removes the key),
   * made only if the Tenant is still at {@code resourceVersion}: a change in between (another
   * rollout, an admin) fails it, and the step is decided again from the new state.
   */
  record TenantPatch(Kind kind, String tenant, String resourceVersion, Map<String, String> labels,
      Map<String, String> annotations) implements RolloutAction {}

  /** A plan's runtime image set once the rollout succeeded, noting the rollout on the plan. */
  record PlanImage(String plan, String image, String rollout) implements RolloutAction {}
}
