package dev.tenantry.operator.backup;

import dev.tenantry.crds.TenantryApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects a tenant's owners made in its namespace, which a backup keeps: everything of
 * the listed kinds that the platform does not own (no managed-by label of the operator, no
 * owner reference, not made by Kubernetes itself), stripped to what recreates it.
 */
public final class OwnerObjects {
  /** The kinds a backup keeps, as apiVersion and kind. */
  static final List<List<String>> KINDS = List.of(
      List.of("v1", "ConfigMap"),
      List.of("v1", "Secret"),
      List.of("v1", "Service"),
      List.of("networking.k8s.io/v1", "NetworkPolicy"),
      List.of("rbac.authorization.k8s.io/v1", "Role"),
      List.of("rbac.authorization.k8s.io/v1", "RoleBinding"),
      List.of("apps/v1", "Deployment"),
      List.of("apps/v1", "StatefulSet"));
  /** Made by Kubernetes in every namespace. */
  private static final Set<String> CLUSTER_MADE = Set.of("kube-root-ca.crt");
  private static final Set<String> CLUSTER_MADE_SECRET_TYPES = Set.of("kubernetes.io/service-account-token");

  private OwnerObjects() {}

  /** The owners' objects of {@code namespace}, ready to be recreated elsewhere. */
  public static List<GenericKubernetesResource> collect(KubernetesClient client, String namespace) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (List<String> kind : KINDS) {
      for (GenericKubernetesResource object : client.genericKubernetesResources(kind.get(0), kind.get(1))
          .inNamespace(namespace).list().getItems()) {
        if (ownersMade(object)) {
          objects.add(strip(object));
        }
      }
    }
    return objects;
  }

  /** Whether an owner made it: not the platform, not a controller, not Kubernetes itself. */
  static boolean ownersMade(GenericKubernetesResource object) {
    ObjectMeta meta = object.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    if (TenantryApi.MANAGED_BY_VALUE.equals(labels.get(TenantryApi.MANAGED_BY_LABEL))) {
      return false;
    }
    if (meta.getOwnerReferences() != null && !meta.getOwnerReferences().isEmpty()) {
      return false;
    }
    if (CLUSTER_MADE.contains(meta.getName())) {
      return false;
    }
    Object type = object.getAdditionalProperties().get("type");
    return !("Secret".equals(object.getKind()) && CLUSTER_MADE_SECRET_TYPES.contains(String.valueOf(type)));
  }

  /** The object without what the cluster assigned: identity, versions, status, a Service's addresses. */
  static GenericKubernetesResource strip(GenericKubernetesResource object) {
    GenericKubernetesResource copy = new GenericKubernetesResource();
    copy.setApiVersion(object.getApiVersion());
    copy.setKind(object.getKind());
    ObjectMeta meta = object.getMetadata();
    copy.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withLabels(meta.getLabels())
        .withAnnotations(withoutLastApplied(meta.getAnnotations())).build());
    Map<String, Object> rest = new LinkedHashMap<>(object.getAdditionalProperties());
    rest.remove("status");
    if ("Service".equals(object.getKind()) && rest.get("spec") instanceof Map<?, ?> spec) {
      Map<Object, Object> cleaned = new LinkedHashMap<>(spec);
      cleaned.remove("clusterIP");
      cleaned.remove("clusterIPs");
      rest.put("spec", cleaned);
    }
    rest.forEach(copy::setAdditionalProperty);
    return copy;
  }

  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    if (annotations == null) {
      return null;
    }
    Map<String, String> kept = new LinkedHashMap<>(annotations);
    kept.remove("kubectl.kubernetes.io/last-applied-configuration");
    return kept.isEmpty() ? null : kept;
  }

  /** What a restore of the objects did: how many it created, and which it could not, with why. */
  public record Restored(int created, List<String> skipped) {}

  /** Creates each object in {@code namespace}; one that exists already is left as it is. */
  public static Restored restore(KubernetesClient client, String namespace, List<GenericKubernetesResource> objects) {
    int created = 0;
    List<String> skipped = new ArrayList<>();
    for (GenericKubernetesResource object : objects) {
      GenericKubernetesResource copy = strip(object);
      copy.getMetadata().setNamespace(namespace);
      try {
        client.resource(copy).create();
        created++;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          continue;
        }
        skipped.add(object.getKind() + " " + object.getMetadata().getName() + " (" + e.getCode() + " "
            + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()) + ")");
      }
    }
    return new Restored(created, skipped);
  }
}
