package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/** When a moved tenant counts as failed, and how many failures a wave may have before the rollout fails. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthGate {

  public static final int DEFAULT_READY_TIMEOUT_SECONDS = 300;

  @JsonPropertyDescription("A moved tenant that is not Ready on the new image this long after it was moved has failed.")
  @Min(1)
  @Max(86400)
  @Default("300")
  private Integer readyTimeoutSeconds;

  @JsonPropertyDescription("Failures a wave may have (a count, or a percentage of the wave); one more fails the rollout.")
  @Pattern(RolloutSizes.COUNT_OR_PERCENT_PATTERN)
  private IntOrString maxFailures;

  public HealthGate() {}

  public HealthGate(Integer readyTimeoutSeconds, IntOrString maxFailures) {
    this.readyTimeoutSeconds = readyTimeoutSeconds;
    this.maxFailures = maxFailures;
  }

  public Integer getReadyTimeoutSeconds() {
    return readyTimeoutSeconds;
  }

  public void setReadyTimeoutSeconds(Integer readyTimeoutSeconds) {
    this.readyTimeoutSeconds = readyTimeoutSeconds;
  }

  public IntOrString getMaxFailures() {
    return maxFailures;
  }

  public void setMaxFailures(IntOrString maxFailures) {
    this.maxFailures = maxFailures;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthGate other && Objects.equals(readyTimeoutSeconds, other.readyTimeoutSeconds)
        && Objects.equals(maxFailures, other.maxFailures);
  }

  @Override
  public int hashCode() {
    return Objects.hash(readyTimeoutSeconds, maxFailures);
  }
}
