package dev.tenantry.operator.kube;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on the operator's cluster-scoped resources (Tenants, rollouts), so
 * {@code kubectl describe} shows what happened.
 */
public final class ClusterEvents {
  /** Cluster-scoped objects have their events in the default namespace. */
  public static final String EVENT_NAMESPACE = "default";
  public static final String COMPONENT = TenantryApi.OPERATOR;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);

  private final KubernetesClient client;
  private final Clock clock;

  public ClusterEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata resource, String reason, String message) {
    record(resource, "Normal", reason, message);
  }

  public void warning(HasMetadata resource, String reason, String message) {
    record(resource, "Warning", reason, message);
  }

  private void record(HasMetadata resource, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Event event = new EventBuilder()
        .withNewMetadata()
        .withGenerateName(resource.getMetadata().getName() + ".")
        .withNamespace(EVENT_NAMESPACE)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(resource.getApiVersion())
        .withKind(resource.getKind())
        .withName(resource.getMetadata().getName())
        .withUid(resource.getMetadata().getUid())
        .withResourceVersion(resource.getMetadata().getResourceVersion())
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
      LOG.warn("could not record event {} on {} {}: {}", reason, resource.getKind(), resource.getMetadata().getName(), e.getMessage());
    }
  }
}
