package dev.tenantry.operator.rollout;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every state of every Tenant as a watch delivers it, in order. */
public final class FleetWatch implements AutoCloseable {
  private final List<Tenant> seen = Collections.synchronizedList(new ArrayList<>());
  private final SharedIndexInformer<Tenant> informer;

  public FleetWatch(KubernetesClient client) {
    informer = client.resources(Tenant.class).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Tenant tenant) {
        seen.add(tenant);
      }

      @Override
      public void onUpdate(Tenant before, Tenant after) {
        seen.add(after);
      }

      @Override
      public void onDelete(Tenant tenant, boolean unknown) {}
    });
  }

  private List<Tenant> snapshot() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  private static boolean labelled(Tenant tenant, String rollout) {
    return RuntimeImage.rollout(tenant).filter(rollout::equals).isPresent()
        && tenant.getMetadata().getAnnotations() != null
        && tenant.getMetadata().getAnnotations().containsKey(TenantryApi.ROLLOUT_MOVED_AT_ANNOTATION);
  }

  /** Tenants in the order the rollout moved them; one entry per move (a tenant moved twice shows twice). */
  public List<String> moveOrder(String rollout) {
    List<String> order = new ArrayList<>();
    Map<String, Boolean> marked = new HashMap<>();
    for (Tenant tenant : snapshot()) {
      String name = tenant.getMetadata().getName();
      boolean now = labelled(tenant, rollout);
      if (now && !marked.getOrDefault(name, false)) {
        order.add(name);
      }
      marked.put(name, now);
    }
    return order;
  }

  public boolean everLabelled(String tenant) {
    return snapshot().stream().anyMatch(t -> t.getMetadata().getName().equals(tenant)
        && RuntimeImage.rollout(t).isPresent());
  }

  /** The most tenants moved by the rollout and not yet Ready on its image, over every moment seen. */
  public int mostMovingAtOnce(String rollout, String image) {
    Map<String, Tenant> latest = new HashMap<>();
    int most = 0;
    for (Tenant tenant : snapshot()) {
      latest.put(tenant.getMetadata().getName(), tenant);
      int moving = (int) latest.values().stream()
          .filter(t -> labelled(t, rollout) && !readyOn(t, image)).count();
      most = Math.max(most, moving);
    }
    return most;
  }

  /** Whether {@code second} was first moved only after {@code first} was seen Ready on the image. */
  public boolean firstMoveAfterReady(String rollout, String image, String first, String second) {
    boolean firstReady = false;
    for (Tenant tenant : snapshot()) {
      String name = tenant.getMetadata().getName();
      if (name.equals(first) && readyOn(tenant, image)) {
        firstReady = true;
      }
      if (name.equals(second) && labelled(tenant, rollout)) {
        return firstReady;
      }
    }
    return false;
  }

  private static boolean readyOn(Tenant tenant, String image) {
    return tenant.getStatus() != null && tenant.getStatus().getRuntime() != null
        && image.equals(tenant.getStatus().getRuntime().getImage())
        && tenant.getStatus().condition("Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** Tenants whose count of completed provisioning steps ever went down between two states seen. */
  public List<String> stepsWentBack() {
    Map<String, Integer> steps = new HashMap<>();
    List<String> back = new ArrayList<>();
    for (Tenant tenant : snapshot()) {
      if (tenant.getStatus() == null || tenant.getStatus().getProvisioning() == null) {
        continue;
      }
      String name = tenant.getMetadata().getName();
      int now = tenant.getStatus().getProvisioning().getCompletedSteps();
      Integer before = steps.put(name, now);
      if (before != null && now < before && !back.contains(name)) {
        back.add(name);
      }
    }
    return back;
  }

  @Override
  public void close() {
    informer.close();
  }
}
