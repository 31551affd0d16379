package dev.tenantry.controlapi.tenant;

import dev.tenantry.crds.tenant.HibernationStatus;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.crds.tenant.WakeRecord;
import java.util.List;
import java.util.Optional;

/** A Tenant as the control API shows it: spec, phase, conditions, progress, endpoints, and the image it runs. */
public record TenantView(
    String name,
    String displayName,
    String plan,
    String phase,
    String namespace,
    boolean suspended,
    String storageType,
    String ingressHost,
    String deletionPolicy,
    List<OwnerView> owners,
    List<ConditionView> conditions,
    ProvisioningView provisioning,
    EndpointsView endpoints,
    String createdAt,
    boolean deleting,
    String resourceVersion,
    String image,
    String rollout,
    HibernationView hibernation) {

  public record OwnerView(String kind, String name) {}

  public record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {}

  public record ProvisioningView(String currentStep, int completedSteps, int totalSteps) {}

  public record EndpointsView(String rest, String graphql, String grpc, String websocket) {}

  /** When the tenant sleeps: after how long idle, since when, and its last wake. */
  public record HibernationView(String idleAfter, String lastActivity, String hibernatedAt, String reason,
      String scheduledUntil, String lastWakeAt, Long lastWakeDurationMs, String lastWakeTrigger) {}

  public static TenantView of(Tenant tenant) {
    TenantSpec spec = tenant.getSpec() == null ? new TenantSpec() : tenant.getSpec();
    Optional<TenantStatus> status = Optional.ofNullable(tenant.getStatus());
    return new TenantView(
        tenant.getMetadata().getName(),
        spec.getDisplayName(),
        spec.getPlan(),
        status.map(s -> s.getPhase()).map(Enum::name).orElse("Pending"),
        status.map(TenantStatus::getNamespace).orElse(tenant.namespaceName()),
        spec.isSuspendedRequested(),
        spec.getStorage() == null || spec.getStorage().getType() == null ? null : spec.getStorage().getType().name(),
        spec.getIngress() == null ? null : spec.getIngress().getHost(),
        spec.effectiveDeletionPolicy().name(),
        spec.getOwners() == null ? List.of()
            : spec.getOwners().stream().map(o -> new OwnerView(kind(o), o.getName())).toList(),
        status.map(TenantStatus::getConditions).orElse(List.of()).stream()
            .map(c -> new ConditionView(c.getType(), c.getStatus(), c.getReason(), c.getMessage(),
                c.getLastTransitionTime()))
            .toList(),
        status.map(TenantStatus::getProvisioning)
            .map(p -> new ProvisioningView(p.getCurrentStep(), nullToZero(p.getCompletedSteps()),
                nullToZero(p.getTotalSteps())))
            .orElse(new ProvisioningView("Waiting for the operator", 0, 5)),
        status.map(TenantStatus::getEndpoints)
            .map(e -> new EndpointsView(e.getRest(), e.getGraphql(), e.getGrpc(), e.getWebsocket()))
            .orElse(null),
        tenant.getMetadata().getCreationTimestamp(),
        tenant.getMetadata().getDeletionTimestamp() != null,
        tenant.getMetadata().getResourceVersion(),
        status.map(TenantStatus::getRuntime).map(r -> r.getImage()).orElse(null),
        status.map(TenantStatus::getRuntime).map(r -> r.getRollout()).orElse(null),
        hibernation(spec, status.map(TenantStatus::getHibernation)));
  }

  private static HibernationView hibernation(TenantSpec spec, Optional<HibernationStatus> status) {
    String idleAfter = spec.getHibernation() == null ? null : spec.getHibernation().getIdleAfter();
    if (idleAfter == null && spec.getHibernation() == null && status.isEmpty()) {
      return null;
    }
    Optional<WakeRecord> wake = status.map(HibernationStatus::getLastWake);
    return new HibernationView(idleAfter,
        status.map(HibernationStatus::getLastActivity).orElse(null),
        status.map(HibernationStatus::getHibernatedAt).orElse(null),
        status.map(HibernationStatus::getReason).orElse(null),
        status.map(HibernationStatus::getScheduledUntil).orElse(null),
        wake.map(WakeRecord::getAt).orElse(null),
        wake.map(WakeRecord::getDurationMs).orElse(null),
        wake.map(WakeRecord::getTrigger).orElse(null));
  }

  private static String kind(Owner owner) {
    return owner.getKind() == null ? null : owner.getKind().name();
  }

  private static int nullToZero(Integer value) {
    return value == null ? 0 : value;
  }
}
