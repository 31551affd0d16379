package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.database.TenantDatabase;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.tenant.model.RuntimeWorkloadModel;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** What a deleted tenant's data becomes, by its deletion policy: the database dropped, or the volume kept. */
final class TenantDataPolicy {
  private TenantDataPolicy() {}

  /** Drops the tenant database (policy Delete) or marks its data volume Retain (policy Retain). */
  static void apply(Tenant tenant, KubernetesClient client, Optional<TenantDatabases> databases) {
    String name = tenant.getMetadata().getName();
    if (tenant.getSpec().effectiveDeletionPolicy() == DeletionPolicy.Delete) {
      databases.ifPresent(db -> {
        if (db.find(TenantDatabase.nameFor(name)).isPresent()) {
          db.drop(TenantDatabase.nameFor(name));
        }
      });
      return;
    }
    retainDataVolume(client, TenantryApi.namespaceOf(name));
  }

  /** Marks the embedded store's bound volume Retain, so deleting the namespace keeps the data. */
  private static void retainDataVolume(KubernetesClient client, String namespace) {
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName(RuntimeWorkloadModel.DATA_CLAIM_NAME).get();
    String volume = claim == null || claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
    if (volume != null && !volume.isBlank()) {
      client.persistentVolumes().withName(volume)
          .edit(pv -> {
            pv.getSpec().setPersistentVolumeReclaimPolicy("Retain");
            return pv;
          });
    }
  }
}
