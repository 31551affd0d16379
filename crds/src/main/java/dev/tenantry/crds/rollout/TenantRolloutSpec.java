package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tenantry.crds.tenant.TenantSelector;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Objects;

/** What a platform team asks of a rollout: the image, which tenants, in which waves, behind which gate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantRolloutSpec {

  /** An image reference with a tag or a digest (a moving "no tag" reference cannot be rolled back to). */
  public static final String IMAGE_PATTERN = "^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+((\\.|__?|-+|/)[a-z0-9]+)*"
      + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$";

  /** The waves when none are given: a canary of one tenant, then a quarter, then everyone. */
  public static final List<Wave> DEFAULT_WAVES = List.of(
      new Wave("canary", new IntOrString(1)),
      new Wave("quarter", new IntOrString("25%")),
      new Wave("everyone", new IntOrString("100%")));

  @Required
  @JsonPropertyDescription("The runtime image to move the selected tenants to, with a tag or digest.")
  @Size(min = 1, max = 255)
  @Pattern(IMAGE_PATTERN)
  private String image;

  @JsonPropertyDescription("Which tenants: by plan and/or label; unset or empty: every tenant. Pinned tenants "
      + "(label tenantry.dev/pin=true, or their own spec.runtime.image) are never moved.")
  private TenantSelector selector;

  @JsonPropertyDescription("Waves in order; each says how many selected tenants run the new image once it is through. "
      + "Default: canary 1, quarter 25%, everyone 100%.")
  @Size(min = 1, max = 20)
  private List<Wave> waves;

  @JsonPropertyDescription("Tenants of the current wave that may be moving (not yet Ready on the new image) at once: "
      + "a count or a percentage of the wave.")
  @Pattern(RolloutSizes.COUNT_OR_PERCENT_PATTERN)
  private IntOrString maxUnavailable;

  @JsonPropertyDescription("Seconds to wait after a wave is healthy before the next one starts.")
  @Min(0)
  @Max(86400)
  @Default("0")
  private Integer soakSeconds;

  @JsonPropertyDescription("When a moved tenant has failed, and how many failures a wave may have.")
  private HealthGate healthGate;

  @JsonPropertyDescription("While true no further tenant is moved; tenants already moving finish.")
  @Default("false")
  private Boolean paused;

  @JsonPropertyDescription("What happens when the health gate fails.")
  private RollbackPolicy rollback;

  @JsonPropertyDescription("true: stop and move every tenant this rollout moved back to the image it had.")
  @Default("false")
  private Boolean abort;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public TenantSelector getSelector() {
    return selector;
  }

  public void setSelector(TenantSelector selector) {
    this.selector = selector;
  }

  public List<Wave> getWaves() {
    return waves;
  }

  public void setWaves(List<Wave> waves) {
    this.waves = waves;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public Integer getSoakSeconds() {
    return soakSeconds;
  }

  public void setSoakSeconds(Integer soakSeconds) {
    this.soakSeconds = soakSeconds;
  }

  public HealthGate getHealthGate() {
    return healthGate;
  }

  public void setHealthGate(HealthGate healthGate) {
    this.healthGate = healthGate;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public RollbackPolicy getRollback() {
    return rollback;
  }

  public void setRollback(RollbackPolicy rollback) {
    this.rollback = rollback;
  }

  public Boolean getAbort() {
    return abort;
  }

  public void setAbort(Boolean abort) {
    this.abort = abort;
  }

  // ------------------------------------------------------------------ effective values

  /** The selector in force: every tenant when unset. */
  @JsonIgnore
  public TenantSelector effectiveSelector() {
    return selector == null ? new TenantSelector() : selector;
  }

  /** The waves in force: {@link #DEFAULT_WAVES} when none are given. */
  @JsonIgnore
  public List<Wave> effectiveWaves() {
    return waves == null || waves.isEmpty() ? DEFAULT_WAVES : waves;
  }

  /** A wave's name: its own, else {@code wave-<n>} counting from 1. */
  public String waveName(int index) {
    String own = effectiveWaves().get(index).getName();
    return own == null || own.isBlank() ? "wave-" + (index + 1) : own;
  }

  @JsonIgnore
  public IntOrString effectiveMaxUnavailable() {
    return maxUnavailable == null ? new IntOrString(1) : maxUnavailable;
  }

  @JsonIgnore
  public int effectiveSoakSeconds() {
    return soakSeconds == null ? 0 : soakSeconds;
  }

  @JsonIgnore
  public int effectiveReadyTimeoutSeconds() {
    return healthGate == null || healthGate.getReadyTimeoutSeconds() == null
        ? HealthGate.DEFAULT_READY_TIMEOUT_SECONDS : healthGate.getReadyTimeoutSeconds();
  }

  @JsonIgnore
  public IntOrString effectiveMaxFailures() {
    return healthGate == null || healthGate.getMaxFailures() == null ? new IntOrString(0) : healthGate.getMaxFailures();
  }

  @JsonIgnore
  public boolean isPausedRequested() {
    return Boolean.TRUE.equals(paused);
  }

  @JsonIgnore
  public boolean isAbortRequested() {
    return Boolean.TRUE.equals(abort);
  }

  /** Whether a failed gate rolls back by itself (the default). */
  @JsonIgnore
  public boolean rollsBackAutomatically() {
    return rollback == null || !Boolean.FALSE.equals(rollback.getAuto());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantRolloutSpec other
        && Objects.equals(image, other.image)
        && Objects.equals(selector, other.selector)
        && Objects.equals(waves, other.waves)
        && Objects.equals(maxUnavailable, other.maxUnavailable)
        && Objects.equals(soakSeconds, other.soakSeconds)
        && Objects.equals(healthGate, other.healthGate)
        && Objects.equals(paused, other.paused)
        && Objects.equals(rollback, other.rollback)
        && Objects.equals(abort, other.abort);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, selector, waves, maxUnavailable, soakSeconds, healthGate, paused, rollback, abort);
  }
}
