package dev.tenantry.operator.rollout;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.rollout.RolloutAction.Kind;
import dev.tenantry.operator.rollout.RolloutAction.TenantPatch;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The marks a rollout puts on a Tenant and takes off again: each patch one rule of the rollout's bookkeeping. */
final class RolloutPatches {

  private final RolloutView view;

  RolloutPatches(RolloutView view) {
    this.view = view;
  }

  /** To the new image, noting the wave, the image it had and when it moved. */
  TenantPatch move(Tenant tenant, String target, int wave) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(TenantryApi.IMAGE_ANNOTATION, target);
    annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, String.valueOf(wave));
    annotations.put(TenantryApi.ROLLOUT_FROM_ANNOTATION, currentImage(tenant));
    annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, view.nowStamp());
    return patch(Kind.MOVE, tenant, Map.of(TenantryApi.ROLLOUT_LABEL, view.name()), annotations);
  }

  /** Back to {@code from}: by dropping the rollout's image when the plan gives that image anyway. */
  TenantPatch revert(Tenant tenant, String from) {
    TenantPlan plan = view.facts().plans().get(tenant.getSpec().getPlan());
    Map<String, String> annotations = new HashMap<>();
    annotations.put(TenantryApi.IMAGE_ANNOTATION,
        from == null || (plan != null && from.equals(RuntimeImage.planImage(plan))) ? null : from);
    annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, null);
    annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, null);
    return patch(Kind.REVERT, tenant, Map.of(), annotations);
  }

  /** The rollout's marks off; the tenant keeps {@code image} on itself, or follows its plan if empty. */
  TenantPatch release(Tenant tenant, Optional<String> image) {
    Map<String, String> labels = new HashMap<>();
    labels.put(TenantryApi.ROLLOUT_LABEL, null);
    Map<String, String> annotations = new HashMap<>();
    annotations.put(TenantryApi.IMAGE_ANNOTATION, image.orElse(null));
    annotations.put(TenantryApi.ROLLOUT_WAVE_ANNOTATION, null);
    annotations.put(TenantryApi.ROLLOUT_FROM_ANNOTATION, null);
    annotations.put(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION, null);
    return patch(Kind.RELEASE, tenant, labels, annotations);
  }

  /** Kept on {@code image} while its plan's image changes under it. */
  TenantPatch freeze(Tenant tenant, String image) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(TenantryApi.IMAGE_ANNOTATION, image);
    return patch(Kind.FREEZE, tenant, Map.of(), annotations);
  }

  private static TenantPatch patch(Kind kind, Tenant tenant, Map<String, String> labels,
      Map<String, String> annotations) {
    return new TenantPatch(kind, tenant.getMetadata().getName(), tenant.getMetadata().getResourceVersion(),
        labels, annotations);
  }

  /** The image a tenant runs now, as its plan and marks say (its status may lag). */
  private String currentImage(Tenant tenant) {
    TenantPlan plan = view.facts().plans().get(tenant.getSpec().getPlan());
    if (plan != null) {
      return RuntimeImage.of(tenant, plan);
    }
    return tenant.getStatus() != null && tenant.getStatus().getRuntime() != null
        ? tenant.getStatus().getRuntime().getImage() : null;
  }
}
