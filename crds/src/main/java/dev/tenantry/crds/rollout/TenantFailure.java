package dev.tenantry.crds.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** A tenant the health gate counted as failed, with why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantFailure {
  private String tenant;
  private String wave;
  private String reason;

  public TenantFailure() {}

  public TenantFailure(String tenant, String wave, String reason) {
    this.tenant = tenant;
    this.wave = wave;
    this.reason = reason;
  }

  public String getTenant() {
    return tenant;
  }

  public void setTenant(String tenant) {
    this.tenant = tenant;
  }

  public String getWave() {
    return wave;
  }

  public void setWave(String wave) {
    this.wave = wave;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantFailure other && Objects.equals(tenant, other.tenant) && Objects.equals(wave, other.wave)
        && Objects.equals(reason, other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenant, wave, reason);
  }

  @Override
  public String toString() {
    return tenant + " (" + wave + "): " + reason;
  }
}
