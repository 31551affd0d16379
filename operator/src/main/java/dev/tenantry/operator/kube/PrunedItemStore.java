package dev.tenantry.operator.kube;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object without the bookkeeping the operator never reads:
 * the managedFields of other field managers (a Deployment's status writer, a Tenant's creator)
 * and kubectl's last-applied copy; the operator's own entries, alike from tenant to tenant, are
 * shared. Deserialized as trees of maps, managedFields were most of the operator's heap.
 */
public class PrunedItemStore<R extends HasMetadata> implements ItemStore<R> {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String APPLY = "Apply";

  private final BasicItemStore<R> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final String keptApplier;
  // weak both ways: a subtree no cached object uses any more is collected
  private final Map<Object, WeakReference<Object>> shared = new WeakHashMap<>();

  /** Drops every managedFields entry: for objects the operator reads but never applies. */
  public PrunedItemStore() {
    this(null);
  }

  /**
   * Keeps only {@code fieldManager}'s own server-side-apply entry, which the dependents' matcher
   * compares against to decide whether an apply is needed.
   */
  public PrunedItemStore(String fieldManager) {
    this.keptApplier = fieldManager;
  }

  @Override
  public R put(String key, R object) {
    return store.put(key, prune(object));
  }

  R prune(R object) {
    ObjectMeta metadata = object.getMetadata();
    List<ManagedFieldsEntry> managed = metadata.getManagedFields();
    if (managed != null && !managed.isEmpty()) {
      List<ManagedFieldsEntry> kept = keptApplier == null ? List.of() : managed.stream()
          .filter(entry -> keptApplier.equals(entry.getManager()) && APPLY.equals(entry.getOperation())
              && entry.getSubresource() == null)
          .toList();
      kept.forEach(entry -> entry.setFieldsV1(canonical(entry.getFieldsV1())));
      metadata.setManagedFields(kept);
    }
    Map<String, String> annotations = metadata.getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      annotations.remove(LAST_APPLIED);
    }
    return object;
  }

  /**
   * The same field set with every subtree shared with equal subtrees of other objects: every
   * tenant's Deployment (and so on) was applied with the same fields, and only a few keys (the
   * owner's uid) differ, so ten thousand equal trees of maps become one. The matcher only reads them.
   */
  private FieldsV1 canonical(FieldsV1 fields) {
    if (fields == null || fields.getAdditionalProperties() == null) {
      return fields;
    }
    synchronized (shared) {
      FieldsV1 canonical = new FieldsV1();
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = (Map<String, Object>) canonicalTree(fields.getAdditionalProperties());
      canonical.setAdditionalProperties(tree);
      return canonical;
    }
  }

  private Object canonicalTree(Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> rebuilt = new LinkedHashMap<>(Math.max(2, map.size() * 4 / 3 + 1));
    map.forEach((key, value) -> rebuilt.put(String.valueOf(key), canonicalTree(value)));
    WeakReference<Object> known = shared.get(rebuilt);
    Object existing = known == null ? null : known.get();
    if (existing != null) {
      return existing;
    }
    shared.put(rebuilt, new WeakReference<>(rebuilt));
    return rebuilt;
  }

  @Override
  public String getKey(R object) {
    return store.getKey(object);
  }

  @Override
  public R remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<R> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public R get(String key) {
    return store.get(key);
  }
}
