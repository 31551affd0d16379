package dev.tenantry.crds.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.StorageType;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Objects;

/** A plan's default storage type and the size of an embedded store's volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlanStorage {

  @Default("Embedded")
  @JsonPropertyDescription("Storage of tenants that do not choose one: Embedded or Postgres.")
  private StorageType type;

  @JsonPropertyDescription("Size of the PersistentVolumeClaim of an embedded store, e.g. 1Gi.")
  private Quantity size;

  @JsonPropertyDescription("StorageClass of that claim; the cluster default when unset.")
  private String storageClassName;

  public StorageType getType() {
    return type;
  }

  public void setType(StorageType type) {
    this.type = type;
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanStorage other
        && type == other.type
        && Objects.equals(size, other.size)
        && Objects.equals(storageClassName, other.storageClassName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, size, storageClassName);
  }
}
