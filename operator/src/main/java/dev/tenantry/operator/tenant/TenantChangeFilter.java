package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which Tenant updates need a reconcile: a spec change (a new generation), a deletion or
 * finalizer change, or a change of what a rollout writes on the Tenant's metadata (its image
 * and its rollout label) or a wake or hibernate request, which move no generation. The operator's own status
 * writes pass none of these, so they cost no reconcile.
 */
public final class TenantChangeFilter implements OnUpdateFilter<Tenant> {

  @Override
  public boolean accept(Tenant updated, Tenant previous) {
    ObjectMeta now = updated.getMetadata();
    ObjectMeta before = previous.getMetadata();
    return !Objects.equals(now.getGeneration(), before.getGeneration())
        || (now.getDeletionTimestamp() != null && before.getDeletionTimestamp() == null)
        || !Objects.equals(now.getFinalizers(), before.getFinalizers())
        || !Objects.equals(value(now.getAnnotations(), TenantryApi.IMAGE_ANNOTATION),
            value(before.getAnnotations(), TenantryApi.IMAGE_ANNOTATION))
        || !Objects.equals(value(now.getLabels(), TenantryApi.ROLLOUT_LABEL),
            value(before.getLabels(), TenantryApi.ROLLOUT_LABEL))
        || !Objects.equals(value(now.getAnnotations(), TenantryApi.WAKE_REQUESTED_AT_ANNOTATION),
            value(before.getAnnotations(), TenantryApi.WAKE_REQUESTED_AT_ANNOTATION))
        || !Objects.equals(value(now.getAnnotations(), TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION),
            value(before.getAnnotations(), TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION));
  }

  private static String value(Map<String, String> map, String key) {
    return map == null ? null : map.get(key);
  }
}
