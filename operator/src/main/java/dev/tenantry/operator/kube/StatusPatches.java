package dev.tenantry.operator.kube;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one way the reconcilers write their primary's status: a server-side apply of the status
 * alone (name only, so no spec or metadata field is claimed), skipped when nothing changed, the
 * result put in the cache so the next reconcile reads what was written.
 */
public final class StatusPatches {
  private StatusPatches() {}

  /** Writes {@code status} unless {@code current} already shows it; returns the resource as it now is. */
  public static <S, R extends CustomResource<?, S>> R apply(R current, S status, Supplier<R> empty, Context<R> context) {
    return Objects.equals(status, current.getStatus()) ? current : write(current, status, empty, context);
  }

  /** Writes {@code status} whatever {@code current} shows (for callers that keep track themselves). */
  public static <S, R extends CustomResource<?, S>> R write(R current, S status, Supplier<R> empty, Context<R> context) {
    R patch = empty.get();
    patch.setMetadata(new ObjectMetaBuilder().withName(current.getMetadata().getName()).build());
    patch.setStatus(status);
    return PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(current, patch, context);
  }

  /** The error-path form: no write when {@code current} already shows {@code status}, so retries of one failure cost nothing. */
  public static <P, S, R extends CustomResource<P, S>> ErrorStatusUpdateControl<R> onError(R current, S status,
      Supplier<R> empty) {
    if (Objects.equals(status, current.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    R patch = empty.get();
    patch.setMetadata(current.getMetadata());
    patch.setSpec(current.getSpec());
    patch.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(patch);
  }
}
