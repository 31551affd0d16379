package dev.tenantry.operator.rollout;

import dev.tenantry.operator.kube.StatusPatches;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.rollout.RolloutAction.PlanImage;
import dev.tenantry.operator.rollout.RolloutAction.TenantPatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a TenantRollout: gathers the facts from the informers, lets the pure
 * {@link RolloutPlanner} decide the step, makes its writes in order (each Tenant patch guarded
 * by the Tenant's resourceVersion), then shows the status and records the events. Every Tenant
 * change and every plan change brings the rollouts it concerns back; deadlines and soaks come
 * back as a reschedule, never as a wait. Deleting an unfinished rollout leaves the moved tenants
 * on their image and removes only the rollout's marks.
 */
@ControllerConfiguration(name = TenantRolloutReconciler.NAME)
public final class TenantRolloutReconciler implements Reconciler<TenantRollout>, Cleaner<TenantRollout> {

  public static final String NAME = "tenantrollout";
  static final String TENANTS = "rollout-tenants";
  static final String PLANS = "rollout-plans";
  /** After a Tenant changed under a patch (409), the step is decided again from the new state. */
  private static final Duration AFTER_CONFLICT = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(TenantRolloutReconciler.class);

  private final Clock clock;
  private final ClusterEvents events;
  private final RolloutPlanner planner = new RolloutPlanner();
  private final ObjectMapper json = new ObjectMapper();

  public TenantRolloutReconciler(Clock clock, ClusterEvents events) {
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, TenantRollout>> prepareEventSources(EventSourceContext<TenantRollout> context) {
    // a Tenant's change concerns the rollout that moved it and every unfinished rollout selecting it
    var tenants = InformerEventSourceConfiguration.from(Tenant.class, TenantRollout.class)
        .withName(TENANTS)
        .withItemStore(new PrunedItemStore<>())
        .withSecondaryToPrimaryMapper((Tenant tenant) -> context.getPrimaryCache().list()
            .filter(rollout -> RuntimeImage.rollout(tenant).filter(rollout.getMetadata().getName()::equals).isPresent()
                || (rollout.isUnfinished() && rollout.getSpec().effectiveSelector().selects(tenant)))
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    var plans = InformerEventSourceConfiguration.from(TenantPlan.class, TenantRollout.class)
        .withName(PLANS)
        .withSecondaryToPrimaryMapper((TenantPlan plan) -> context.getPrimaryCache().list()
            .filter(TenantRollout::isUnfinished)
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build();
    return List.of(new InformerEventSource<>(tenants, context), new InformerEventSource<>(plans, context));
  }

  @Override
  public UpdateControl<TenantRollout> reconcile(TenantRollout rollout, Context<TenantRollout> context) {
    RolloutDecision decision = planner.decide(facts(rollout, context));
    try {
      apply(decision.actions(), context);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      LOG.debug("rollout {}: a tenant changed under its patch, deciding again", rollout.getMetadata().getName());
      return UpdateControl.<TenantRollout>noUpdate().rescheduleAfter(AFTER_CONFLICT);
    }
    StatusPatches.apply(rollout, decision.status(), TenantRollout::new, context);
    for (RolloutDecision.Event event : decision.events()) {
      if (event.warning()) {
        events.warning(rollout, event.reason(), event.message());
      } else {
        events.normal(rollout, event.reason(), event.message());
      }
    }
    UpdateControl<TenantRollout> control = UpdateControl.noUpdate();
    return decision.lookAgainIn().map(control::rescheduleAfter).orElse(control);
  }

  private RolloutFacts facts(TenantRollout rollout, Context<TenantRollout> context) {
    List<TenantRollout> others = context.getPrimaryCache().list()
        .filter(other -> !other.getMetadata().getName().equals(rollout.getMetadata().getName()))
        .toList();
    Map<String, TenantPlan> plans = planSource(context).list()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
    return new RolloutFacts(rollout, tenantSource(context).list().toList(), plans, others, clock.instant());
  }

  /** Makes the writes in order; each Tenant patch lands in the informer's cache at once, so the next step sees it. */
  private void apply(List<RolloutAction> actions, Context<TenantRollout> context) {
    KubernetesClient client = context.getClient();
    InformerEventSource<Tenant, TenantRollout> tenants = tenantSource(context);
    for (RolloutAction action : actions) {
      if (action instanceof TenantPatch patch) {
        Tenant before = tenants.get(new ResourceID(patch.tenant())).orElse(null);
        Tenant after = client.resources(Tenant.class).withName(patch.tenant())
            .patch(PatchContext.of(PatchType.JSON_MERGE), metadataPatch(patch));
        tenants.handleRecentResourceUpdate(ResourceID.fromResource(after), after, before);
      } else if (action instanceof PlanImage plan) {
        client.resources(TenantPlan.class).withName(plan.plan())
            .patch(PatchContext.of(PatchType.JSON_MERGE), planPatch(plan));
      }
    }
  }

  private String metadataPatch(TenantPatch patch) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("resourceVersion", patch.resourceVersion());
    if (!patch.labels().isEmpty()) {
      metadata.put("labels", patch.labels());
    }
    if (!patch.annotations().isEmpty()) {
      metadata.put("annotations", patch.annotations());
    }
    return write(Map.of("metadata", metadata));
  }

  private String planPatch(PlanImage plan) {
    return write(Map.of(
        "metadata", Map.of("annotations", Map.of(TenantryApi.ROLLOUT_LABEL, plan.rollout())),
        "spec", Map.of("runtime", Map.of("image", plan.image()))));
  }

  private String write(Map<String, Object> patch) {
    try {
      return json.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a merge patch", e);
    }
  }

  /** The rollout's marks come off the tenants it moved; they stay on the image they run. */
  @Override
  public DeleteControl cleanup(TenantRollout rollout, Context<TenantRollout> context) {
    apply(planner.releaseAll(facts(rollout, context)), context);
    return DeleteControl.defaultDelete();
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<Tenant, TenantRollout> tenantSource(Context<TenantRollout> context) {
    return (InformerEventSource<Tenant, TenantRollout>) context.eventSourceRetriever()
        .getEventSourceFor(Tenant.class, TENANTS);
  }

  @SuppressWarnings("unchecked")
  private static InformerEventSource<TenantPlan, TenantRollout> planSource(Context<TenantRollout> context) {
    return (InformerEventSource<TenantPlan, TenantRollout>) context.eventSourceRetriever()
        .getEventSourceFor(TenantPlan.class, PLANS);
  }
}
