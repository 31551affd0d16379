package dev.tenantry.activator.boundary;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whose address a call comes from: the namespace of the pod that has it, or the node itself,
 * from informers of pods and nodes (no API read per call). Each pod is kept as its name, namespace
 * and addresses alone: the activator watches every pod of the cluster.
 */
public final class CallerAddresses implements AutoCloseable {
  private static final String BY_IP = "byIp";

  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Node> nodes;

  private CallerAddresses(SharedIndexInformer<Pod> pods, SharedIndexInformer<Node> nodes) {
    this.pods = pods;
    this.nodes = nodes;
  }

  public static CallerAddresses watching(KubernetesClient client) {
    SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0).itemStore(new AddressStore());
    // a pod on the host's network shares the node's address: it says nothing of who calls
    pods.addIndexers(Map.of(BY_IP, pod -> Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? List.of()
        : addressesOf(pod).toList()));
    SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
    nodes.addIndexers(Map.of(BY_IP, node -> node.getStatus() == null || node.getStatus().getAddresses() == null
        ? List.of() : node.getStatus().getAddresses().stream().map(NodeAddress::getAddress).toList()));
    pods.start();
    nodes.start();
    return new CallerAddresses(pods, nodes);
  }

  public boolean ready() {
    return pods.hasSynced() && nodes.hasSynced();
  }

  /** The namespace of the pod with this address; empty when no (running) pod has it. */
  public Optional<String> namespaceOf(String address) {
    return pods.getIndexer().byIndex(BY_IP, address).stream().map(p -> p.getMetadata().getNamespace()).findFirst();
  }

  /** Whether a node of the cluster has this address. */
  public boolean isNode(String address) {
    return !nodes.getIndexer().byIndex(BY_IP, address).isEmpty();
  }

  private static Stream<String> addressesOf(Pod pod) {
    if (pod.getStatus() == null) {
      return Stream.empty();
    }
    Stream<String> all = pod.getStatus().getPodIPs() == null ? Stream.empty()
        : pod.getStatus().getPodIPs().stream().map(PodIP::getIp);
    return Stream.concat(Stream.ofNullable(pod.getStatus().getPodIP()), all).filter(ip -> ip != null && !ip.isEmpty())
        .distinct();
  }

  @Override
  public void close() {
    pods.close();
    nodes.close();
  }

  /** Keeps of each pod only what tells its address apart. */
  static final class AddressStore implements ItemStore<Pod> {
    private final BasicItemStore<Pod> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    @Override
    public Pod put(String key, Pod pod) {
      Pod kept = new PodBuilder()
          .withNewMetadata().withName(pod.getMetadata().getName()).withNamespace(pod.getMetadata().getNamespace())
          .withResourceVersion(pod.getMetadata().getResourceVersion()).withUid(pod.getMetadata().getUid()).endMetadata()
          .withNewSpec().withHostNetwork(pod.getSpec() == null ? null : pod.getSpec().getHostNetwork()).endSpec()
          .withNewStatus().withPodIP(pod.getStatus() == null ? null : pod.getStatus().getPodIP())
          .withPodIPs(pod.getStatus() == null ? null : pod.getStatus().getPodIPs()).endStatus()
          .build();
      return store.put(key, kept);
    }

    @Override
    public String getKey(Pod pod) {
      return store.getKey(pod);
    }

    @Override
    public Pod remove(String key) {
      return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return store.keySet();
    }

    @Override
    public Stream<Pod> values() {
      return store.values();
    }

    @Override
    public int size() {
      return store.size();
    }

    @Override
    public Pod get(String key) {
      return store.get(key);
    }
  }
}
