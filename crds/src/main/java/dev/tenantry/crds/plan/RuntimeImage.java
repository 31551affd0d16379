package dev.tenantry.crds.plan;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import java.util.Map;
import java.util.Optional;

/**
 * Which runtime image a tenant runs, and whether a rollout may move it: its own
 * {@code spec.runtime.image} (pinned), else the image a rollout gave it (annotation
 * {@value TenantryApi#IMAGE_ANNOTATION}), else its plan's.
 */
public final class RuntimeImage {

  private RuntimeImage() {}

  /** The image {@code tenant} runs on {@code plan}. */
  public static String of(Tenant tenant, TenantPlan plan) {
    return own(tenant).or(() -> fromRollout(tenant)).orElseGet(() -> planImage(plan));
  }

  /** The plan's runtime image (what tenants with no image of their own follow). */
  public static String planImage(TenantPlan plan) {
    return plan.getSpec() == null || plan.getSpec().getRuntime() == null ? null : plan.getSpec().getRuntime().getImage();
  }

  /** The tenant's own image, which pins it. */
  public static Optional<String> own(Tenant tenant) {
    return Optional.ofNullable(tenant.getSpec()).map(TenantSpec::getRuntime).map(RuntimeOverrides::getImage)
        .filter(image -> !image.isBlank());
  }

  /** The image a rollout gave the tenant, if any. */
  public static Optional<String> fromRollout(Tenant tenant) {
    return Optional.ofNullable(annotations(tenant).get(TenantryApi.IMAGE_ANNOTATION)).filter(i -> !i.isBlank());
  }

  /** Why no rollout may move {@code tenant}, if it is pinned. */
  public static Optional<String> pinnedBecause(Tenant tenant) {
    if (own(tenant).isPresent()) {
      return Optional.of("has its own spec.runtime.image");
    }
    Map<String, String> labels = tenant.getMetadata().getLabels();
    if (labels != null && "true".equals(labels.get(TenantryApi.PIN_LABEL))) {
      return Optional.of("labelled " + TenantryApi.PIN_LABEL + "=true");
    }
    return Optional.empty();
  }

  /** The rollout that moved the tenant, while it applies. */
  public static Optional<String> rollout(Tenant tenant) {
    Map<String, String> labels = tenant.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(TenantryApi.ROLLOUT_LABEL));
  }

  private static Map<String, String> annotations(Tenant tenant) {
    Map<String, String> annotations = tenant.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
