package dev.tenantry.operator.rollout;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.crds.tenant.TenantSelector;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The tenants in play for a rollout: those it moved (with where each stands), those waiting to be
 * moved in name order, those its selector names but that are pinned or busy in another rollout.
 * Everything is read off the Tenants' own labels and annotations, so it survives a restart.
 */
final class RolloutSelection {

  /** Where a moved tenant stands against the health gate. */
  enum State { MOVING, READY, FAILED }

  /** A tenant this rollout moved, where it is now. */
  record Moved(Tenant tenant, int wave, Instant movedAt, State state) {
    String name() {
      return tenant.getMetadata().getName();
    }
  }

  final List<Moved> moved = new ArrayList<>();
  final List<Tenant> waiting = new ArrayList<>();
  final List<String> pinned = new ArrayList<>();
  final List<String> busy = new ArrayList<>();

  private RolloutSelection() {}

  /** Sorts the live tenants for a rollout to {@code target}. */
  static RolloutSelection of(RolloutView view, String target) {
    RolloutSelection selection = new RolloutSelection();
    TenantSelector selector = view.spec().effectiveSelector();
    Set<String> activeOthers = view.facts().otherRollouts().stream()
        .filter(TenantRollout::isUnfinished)
        .map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
    for (Tenant tenant : view.live().stream().sorted(Comparator.comparing(t -> t.getMetadata().getName())).toList()) {
      Optional<String> label = RuntimeImage.rollout(tenant);
      if (label.filter(view.name()::equals).isPresent()) {
        if (movedAt(tenant).isPresent()) {
          selection.moved.add(moved(view, tenant, target));
        }
        continue;
      }
      if (!selector.selects(tenant)) {
        continue;
      }
      if (RuntimeImage.pinnedBecause(tenant).isPresent()) {
        selection.pinned.add(tenant.getMetadata().getName());
      } else if (label.filter(activeOthers::contains).isPresent()) {
        selection.busy.add(tenant.getMetadata().getName());
      } else {
        selection.waiting.add(tenant);
      }
    }
    return selection;
  }

  int total() {
    return moved.size() + waiting.size();
  }

  /** The moved and the waiting, by name. */
  Set<String> names() {
    Set<String> all = new TreeSet<>();
    moved.forEach(m -> all.add(m.name()));
    waiting.forEach(t -> all.add(t.getMetadata().getName()));
    return all;
  }

  /** An earlier rollout, not finished, that selects some of the same tenants: this one waits for it. */
  Optional<TenantRollout> blockingRollout(RolloutView view) {
    Comparator<TenantRollout> order = Comparator
        .comparing((TenantRollout r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
        .thenComparing(r -> r.getMetadata().getName());
    return view.facts().otherRollouts().stream()
        .filter(TenantRollout::isUnfinished)
        .filter(other -> order.compare(other, view.facts().rollout()) < 0)
        .filter(other -> !overlap(view, other).isEmpty())
        .findFirst();
  }

  /** The tenants of this selection that {@code other} has moved or would move. */
  List<String> overlap(RolloutView view, TenantRollout other) {
    TenantSelector theirs = other.getSpec().effectiveSelector();
    String otherName = other.getMetadata().getName();
    Set<String> mine = names();
    mine.addAll(busy);
    return view.live().stream()
        .filter(t -> mine.contains(t.getMetadata().getName()))
        .filter(t -> RuntimeImage.rollout(t).filter(otherName::equals).isPresent()
            || (theirs.selects(t) && RuntimeImage.pinnedBecause(t).isEmpty()))
        .map(t -> t.getMetadata().getName()).sorted().toList();
  }

  private static Moved moved(RolloutView view, Tenant tenant, String target) {
    Instant movedAt = movedAt(tenant).orElse(view.now());
    State state;
    if (readyOn(tenant, target)) {
      state = State.READY;
    } else if (!view.now().isBefore(movedAt.plusSeconds(view.spec().effectiveReadyTimeoutSeconds()))) {
      state = State.FAILED;
    } else {
      state = State.MOVING;
    }
    return new Moved(tenant, wave(tenant), movedAt, state);
  }

  private static boolean readyOn(Tenant tenant, String image) {
    return tenant.getStatus() != null && tenant.getStatus().getRuntime() != null
        && image.equals(tenant.getStatus().getRuntime().getImage())
        && tenant.getStatus().condition(TenantConditions.READY).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static int wave(Tenant tenant) {
    try {
      return Math.max(0, Integer.parseInt(annotations(tenant).getOrDefault(TenantryApi.ROLLOUT_WAVE_ANNOTATION, "0")));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static Optional<Instant> movedAt(Tenant tenant) {
    String value = annotations(tenant).get(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION);
    try {
      return Optional.ofNullable(value).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static Map<String, String> annotations(Tenant tenant) {
    return tenant.getMetadata().getAnnotations() == null ? Map.of() : tenant.getMetadata().getAnnotations();
  }
}
