package dev.tenantry.controlapi.audit;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records every mutation: one structured JSON line on the {@code tenantry.audit} logger (who,
 * what, on which object, when, the result) and a Kubernetes Event on the object.
 */
@Component
public class AuditLog {
  private static final Logger AUDIT = LoggerFactory.getLogger("tenantry.audit");
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final KubernetesClient client;
  private final JsonMapper json;

  public AuditLog(KubernetesClient client, JsonMapper json) {
    this.client = client;
    this.json = json;
  }

  /** A mutation of a Tenant. */
  public void record(String actor, String action, String tenant, String result, String detail) {
    record(actor, action, "Tenant", tenant, result, detail);
  }

  /** A mutation of the Tenantry object {@code kind}/{@code name} (a Tenant, a TenantRollout). */
  public void record(String actor, String action, String kind, String name, String result, String detail) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    entry.put("actor", actor);
    entry.put("action", action);
    // "tenant" for Tenants as before, "tenantrollout" for rollouts
    entry.put(kind.toLowerCase(java.util.Locale.ROOT), name);
    entry.put("result", result);
    entry.put("detail", detail);
    AUDIT.info(json.writeValueAsString(entry));
    if (!"succeeded".equals(result)) {
      return;
    }
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client.v1().events().inNamespace("default").resource(new EventBuilder()
              .withNewMetadata().withGenerateName(name + ".").withNamespace("default").endMetadata()
              .withNewInvolvedObject().withApiVersion(TenantryApi.API_VERSION).withKind(kind).withName(name)
              .endInvolvedObject()
              .withType("Normal").withReason(action).withMessage(detail + " (by " + actor + ")")
              .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
              .withNewSource().withComponent(TenantryApi.CONTROL_API).endSource()
              .build())
          .create();
    } catch (RuntimeException e) {
      LOG.warn("could not record the audit event {} on {} {}: {}", action, kind, name, e.getMessage());
    }
  }
}
