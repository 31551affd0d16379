package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.StorageType;
import java.util.Objects;

/** The tenant's choice of storage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {

  @JsonPropertyDescription("Embedded (H2 file on a volume) or Postgres (a database of its own).")
  private StorageType type;

  public StorageSpec() {}

  public StorageSpec(StorageType type) {
    this.type = type;
  }

  public StorageType getType() {
    return type;
  }

  public void setType(StorageType type) {
    this.type = type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageSpec other && type == other.type;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(type);
  }
}
