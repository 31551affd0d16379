package dev.tenantry.controlapi.rollout;

import dev.tenantry.controlapi.audit.AuditLog;
import dev.tenantry.controlapi.tenant.TenantException;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.HealthGate;
import dev.tenantry.crds.rollout.RollbackPolicy;
import dev.tenantry.crds.rollout.RolloutSizes;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads rollouts from the informer cache and writes TenantRollout resources after checking what
 * the API server cannot: sizes, plans that exist, a selection that holds a tenant to move. A
 * refused request writes nothing; the operator carries the rollout out.
 */
@Service
public class RolloutService {
  private static final String KIND = "TenantRollout";

  private final KubernetesClient client;
  private final SharedIndexInformer<TenantRollout> rollouts;
  private final SharedIndexInformer<Tenant> tenants;
  private final SharedIndexInformer<TenantPlan> plans;
  private final AuditLog audit;

  public RolloutService(KubernetesClient client, SharedIndexInformer<TenantRollout> rollouts,
      SharedIndexInformer<Tenant> tenants, SharedIndexInformer<TenantPlan> plans, AuditLog audit) {
    this.client = client;
    this.rollouts = rollouts;
    this.tenants = tenants;
    this.plans = plans;
    this.audit = audit;
  }

  /** Every rollout, newest first. */
  public List<RolloutView> list() {
    return rollouts.getStore().list().stream()
        .sorted(Comparator.comparing((TenantRollout r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
            .reversed().thenComparing(r -> r.getMetadata().getName()))
        .map(RolloutView::of).toList();
  }

  public Optional<RolloutView> find(String name) {
    return Optional.ofNullable(rollouts.getStore().getByKey(name)).map(RolloutView::of);
  }

  public RolloutView get(String name) {
    return find(name).orElseThrow(() -> new TenantException.NotFound("rollout", name));
  }

  public Mono<RolloutView> create(String actor, RolloutRequests.CreateRollout input) {
    return Mono.fromCallable(() -> {
      TenantRollout rollout = validNewRollout(input);
      TenantRollout created = write(() -> client.resource(rollout).create());
      audit.record(actor, "RolloutCreated", KIND, created.getMetadata().getName(), "succeeded",
          "rollout to " + input.image() + " created");
      return RolloutView.of(created);
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(TenantException.class, e -> audit.record(actor, "RolloutCreated", KIND, String.valueOf(input.name()),
            "refused", e.getMessage()));
  }

  public Mono<RolloutView> pause(String actor, String name) {
    return change(actor, name, "RolloutPaused", "no further tenant is moved", spec -> spec.setPaused(true));
  }

  public Mono<RolloutView> resume(String actor, String name) {
    return change(actor, name, "RolloutResumed", "tenants are moved again", spec -> spec.setPaused(false));
  }

  /** Stops the rollout and moves every tenant it moved back (also a rollout that failed without rolling back). */
  public Mono<RolloutView> abort(String actor, String name) {
    return Mono.fromCallable(() -> {
      RolloutView current = get(name);
      if ("Succeeded".equals(current.phase()) || "RolledBack".equals(current.phase())) {
        throw new TenantException.Conflict("name", "rollout '" + name + "' has already ended " + current.phase()
            + "; nothing to abort (start a new rollout to move the tenants again)");
      }
      return edit(actor, name, "RolloutAborted", "tenants moved back to their previous image",
          spec -> spec.setAbort(true));
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** Deletes the rollout; tenants it moved stay on the image they run. */
  public Mono<RolloutView> delete(String actor, String name) {
    return Mono.fromCallable(() -> {
      RolloutView current = get(name);
      write(() -> client.resources(TenantRollout.class).withName(name).delete());
      audit.record(actor, "RolloutDeleted", KIND, name, "succeeded", "deletion requested; moved tenants keep their image");
      return current;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<RolloutView> change(String actor, String name, String action, String detail, Consumer<TenantRolloutSpec> edit) {
    return Mono.fromCallable(() -> {
      RolloutView current = get(name);
      if (current.finished()) {
        throw new TenantException.Conflict("name", "rollout '" + name + "' has already ended " + current.phase());
      }
      return edit(actor, name, action, detail, edit);
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private RolloutView edit(String actor, String name, String action, String detail, Consumer<TenantRolloutSpec> edit)
      throws Exception {
    TenantRollout updated = write(() -> client.resources(TenantRollout.class).withName(name).edit(rollout -> {
      edit.accept(rollout.getSpec());
      return rollout;
    }));
    audit.record(actor, action, KIND, name, "succeeded", detail);
    return RolloutView.of(updated);
  }

  // ------------------------------------------------------------------------------------ checks

  private TenantRollout validNewRollout(RolloutRequests.CreateRollout input) {
    String name = input.name();
    if (name == null || name.length() > 63 || !name.matches(TenantryApi.DNS_LABEL_PATTERN)) {
      throw new TenantException.Invalid("name", "must be a DNS label (lower case letters, digits and '-') of at most 63 characters");
    }
    if (rollouts.getStore().getByKey(name) != null) {
      throw new TenantException.Conflict("name", "rollout '" + name + "' already exists");
    }
    if (input.image() == null || input.image().length() > 255 || !input.image().matches(TenantRolloutSpec.IMAGE_PATTERN)) {
      throw new TenantException.Invalid("image", "must be an image reference with a tag or digest, e.g. "
          + "registry.example.com/tenantry/tenant-runtime:0.2.0");
    }
    TenantRolloutSpec spec = new TenantRolloutSpec();
    spec.setImage(input.image());
    TenantSelector selector = new TenantSelector(existingPlans(input.plans()),
        input.matchLabels() == null || input.matchLabels().isEmpty() ? null : input.matchLabels());
    spec.setSelector(selector.isEmpty() ? null : selector);
    spec.setWaves(waves(input.waves()));
    spec.setMaxUnavailable(size("maxUnavailable", input.maxUnavailable()));
    spec.setSoakSeconds(range("soakSeconds", input.soakSeconds(), 0, 86400));
    Integer readyTimeout = range("readyTimeoutSeconds", input.readyTimeoutSeconds(), 1, 86400);
    IntOrString maxFailures = size("maxFailures", input.maxFailures());
    if (readyTimeout != null || maxFailures != null) {
      spec.setHealthGate(new HealthGate(readyTimeout, maxFailures));
    }
    if (input.autoRollback() != null) {
      spec.setRollback(new RollbackPolicy(input.autoRollback()));
    }
    spec.setPaused(input.paused());
    long movable = tenants.getStore().list().stream()
        .filter(t -> spec.effectiveSelector().selects(t) && RuntimeImage.pinnedBecause(t).isEmpty())
        .count();
    if (movable == 0) {
      throw new TenantException.Invalid(selector.getPlans() == null ? "matchLabels" : "plans",
          "selects no tenant that a rollout may move (pinned tenants are never moved)");
    }
    TenantRollout rollout = new TenantRollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).build());
    rollout.setSpec(spec);
    return rollout;
  }

  private List<String> existingPlans(List<String> names) {
    if (names == null || names.isEmpty()) {
      return null;
    }
    for (String plan : names) {
      if (plans.getStore().getByKey(plan) == null) {
        throw new TenantException.Invalid("plans", "no TenantPlan '" + plan + "'; plans: "
            + plans.getStore().listKeys().stream().sorted().toList());
      }
    }
    return List.copyOf(names);
  }

  private static List<Wave> waves(List<RolloutRequests.WaveInput> input) {
    if (input == null || input.isEmpty()) {
      return null;
    }
    if (input.size() > 20) {
      throw new TenantException.Invalid("waves", "at most 20 waves");
    }
    List<Wave> waves = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < input.size(); i++) {
      RolloutRequests.WaveInput wave = input.get(i);
      IntOrString tenants = size("waves", wave.tenants());
      if (tenants == null || RolloutSizes.takesNone(tenants)) {
        throw new TenantException.Invalid("waves", "wave " + (i + 1) + " must take at least one tenant (a count or a percentage)");
      }
      String name = wave.name() == null || wave.name().isBlank() ? null : wave.name().trim();
      if (name != null && (name.length() > 63 || !names.add(name))) {
        throw new TenantException.Invalid("waves", "wave names must be unique and at most 63 characters");
      }
      waves.add(new Wave(name, tenants));
    }
    return waves;
  }

  /** A count or a percentage as the resource takes it; null when not given. */
  private static IntOrString size(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return RolloutSizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TenantException.Invalid(field, e.getMessage());
    }
  }

  private static Integer range(String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new TenantException.Invalid(field, "must be between " + min + " and " + max);
    }
    return value;
  }

  private static <T> T write(java.util.concurrent.Callable<T> call) throws Exception {
    return TenantException.translating("rollout", call);
  }
}
