package dev.tenantry.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The Kubernetes conditions every Tenantry status carries, so `kubectl describe` tells the story the same way. */
public abstract class ConditionedStatus {

  private List<Condition> conditions = new ArrayList<>();

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /** The condition of the given type, if the operator has written it. */
  @JsonIgnore
  public Optional<Condition> condition(String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** For subclasses' {@code equals}: the same conditions, in the same order. */
  protected boolean sameConditions(ConditionedStatus other) {
    return Objects.equals(conditions, other.conditions);
  }
}
