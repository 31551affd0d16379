package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on Tenants, so {@code kubectl describe tenant} shows what happened. */
public final class TenantEvents {
  /** Cluster-scoped objects have their events in the default namespace. */
  public static final String EVENT_NAMESPACE = "default";
  public static final String COMPONENT = "tenantry-operator";
  private static final Logger LOG = LoggerFactory.getLogger(TenantEvents.class);

  private final KubernetesClient client;
  private final Clock clock;

  public TenantEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(Tenant tenant, String reason, String message) {
    record(tenant, "Normal", reason, message);
  }

  public void warning(Tenant tenant, String reason, String message) {
    record(tenant, "Warning", reason, message);
  }

  private void record(Tenant tenant, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Event event = new EventBuilder()
        .withNewMetadata()
        .withGenerateName(tenant.getMetadata().getName() + ".")
        .withNamespace(EVENT_NAMESPACE)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(tenant.getApiVersion())
        .withKind(tenant.getKind())
        .withName(tenant.getMetadata().getName())
        .withUid(tenant.getMetadata().getUid())
        .withResourceVersion(tenant.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        // core/v1 style (no eventTime), the form the API server accepts for cluster-scoped objects
        .withNewSource().withComponent(COMPONENT).endSource()
        .build();
    try {
      client.v1().events().inNamespace(EVENT_NAMESPACE).resource(event).create();
    } catch (KubernetesClientException e) {
      // an event is a courtesy: never fail a reconcile for one
      LOG.warn("could not record event {} on tenant {}: {}", reason, tenant.getMetadata().getName(), e.getMessage());
    }
  }
}
