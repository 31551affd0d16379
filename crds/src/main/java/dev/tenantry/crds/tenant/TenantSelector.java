package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Which Tenants a fleet operation applies to: by plan and/or by label; empty selects every tenant. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TenantSelector {

  @JsonPropertyDescription("Tenants on any of these plans; unset: any plan.")
  private List<String> plans;

  @JsonPropertyDescription("Tenants carrying all of these labels.")
  private Map<String, String> matchLabels;

  @JsonPropertyDescription("Label requirements (In, NotIn, Exists, DoesNotExist), all of which must hold.")
  private List<LabelSelectorRequirement> matchExpressions;

  public TenantSelector() {}

  public TenantSelector(List<String> plans, Map<String, String> matchLabels) {
    this.plans = plans;
    this.matchLabels = matchLabels;
  }

  public List<String> getPlans() {
    return plans;
  }

  public void setPlans(List<String> plans) {
    this.plans = plans;
  }

  public Map<String, String> getMatchLabels() {
    return matchLabels;
  }

  public void setMatchLabels(Map<String, String> matchLabels) {
    this.matchLabels = matchLabels;
  }

  public List<LabelSelectorRequirement> getMatchExpressions() {
    return matchExpressions;
  }

  public void setMatchExpressions(List<LabelSelectorRequirement> matchExpressions) {
    this.matchExpressions = matchExpressions;
  }

  /** Whether {@code tenant} is selected: on a listed plan (if any are) and matching every label rule. */
  public boolean selects(Tenant tenant) {
    if (plans != null && !plans.isEmpty()
        && (tenant.getSpec() == null || !plans.contains(tenant.getSpec().getPlan()))) {
      return false;
    }
    Map<String, String> labels = tenant.getMetadata().getLabels() == null ? Map.of() : tenant.getMetadata().getLabels();
    if (matchLabels != null && !matchLabels.entrySet().stream()
        .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
      return false;
    }
    return matchExpressions == null || matchExpressions.stream().allMatch(r -> matches(r, labels));
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (String.valueOf(requirement.getOperator())) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      default -> throw new IllegalArgumentException("unknown label selector operator '" + requirement.getOperator()
          + "' (In, NotIn, Exists, DoesNotExist)");
    };
  }

  /** Whether it names no plan and no label rule, i.e. selects every tenant. */
  @JsonIgnore
  public boolean isEmpty() {
    return (plans == null || plans.isEmpty()) && (matchLabels == null || matchLabels.isEmpty())
        && (matchExpressions == null || matchExpressions.isEmpty());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantSelector other
        && Objects.equals(plans, other.plans)
        && Objects.equals(matchLabels, other.matchLabels)
        && Objects.equals(matchExpressions, other.matchExpressions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(plans, matchLabels, matchExpressions);
  }
}
