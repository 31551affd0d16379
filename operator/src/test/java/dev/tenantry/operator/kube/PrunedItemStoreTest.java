package dev.tenantry.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1Builder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunedItemStoreTest {

  private static Deployment deployment() {
    return new DeploymentBuilder().withNewMetadata().withName("runtime").withNamespace("tenant-acme")
        .addToAnnotations(PrunedItemStore.LAST_APPLIED, "{\"big\":\"copy\"}")
        .addToAnnotations("deployment.kubernetes.io/revision", "1")
        .withManagedFields(
            new ManagedFieldsEntryBuilder().withManager("tenant").withOperation("Apply").build(),
            new ManagedFieldsEntryBuilder().withManager("tenant").withOperation("Update").withSubresource("status").build(),
            new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").withOperation("Update").build())
        .endMetadata().build();
  }

  @Test
  void keepsOnlyTheOperatorsOwnApplyEntryForTheMatcher() {
    PrunedItemStore<Deployment> store = new PrunedItemStore<>("tenant");
    store.put(store.getKey(deployment()), deployment());

    Deployment cached = store.get("tenant-acme/runtime");
    assertThat(cached.getMetadata().getManagedFields()).singleElement()
        .satisfies(entry -> assertThat(entry.getManager() + "/" + entry.getOperation()).isEqualTo("tenant/Apply"));
    assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("deployment.kubernetes.io/revision");
  }

  @Test
  void equalSubtreesOfDifferentObjectsAreKeptOnce() {
    PrunedItemStore<Deployment> store = new PrunedItemStore<>("tenant");
    for (String namespace : new String[] {"tenant-a", "tenant-b"}) {
      Deployment deployment = deployment();
      deployment.getMetadata().setNamespace(namespace);
      // as the API server writes them: the owner's uid differs, the applied spec does not
      deployment.getMetadata().getManagedFields().get(0).setFieldsV1(new FieldsV1Builder()
          .addToAdditionalProperties("f:metadata", Map.of("f:ownerReferences",
              Map.of("k:{\"uid\":\"" + namespace + "\"}", Map.of()))) 
          .addToAdditionalProperties("f:spec", Map.of("f:replicas", Map.of(), "f:template",
              Map.of("f:spec", Map.of("f:containers", Map.of())))).build());
      store.put(store.getKey(deployment), deployment);
    }

    Map<String, Object> a = fields(store, "tenant-a/runtime");
    Map<String, Object> b = fields(store, "tenant-b/runtime");
    assertThat(a.get("f:metadata")).isNotEqualTo(b.get("f:metadata"));
    assertThat(a.get("f:spec")).isEqualTo(Map.of("f:replicas", Map.of(), "f:template",
        Map.of("f:spec", Map.of("f:containers", Map.of())))).isSameAs(b.get("f:spec"));
  }

  private static Map<String, Object> fields(PrunedItemStore<Deployment> store, String key) {
    return store.get(key).getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties();
  }

  @Test
  void dropsEveryEntryWhereTheOperatorNeverApplies() {
    PrunedItemStore<Deployment> store = new PrunedItemStore<>();
    store.put("tenant-acme/runtime", deployment());

    assertThat(store.get("tenant-acme/runtime").getMetadata().getManagedFields()).isEmpty();
    assertThat(store.size()).isOne();
    assertThat(store.remove("tenant-acme/runtime")).isNotNull();
    assertThat(store.keySet()).isEmpty();
  }
}
