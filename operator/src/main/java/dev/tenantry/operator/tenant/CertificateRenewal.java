package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When a settled tenant is looked at again: when its serving certificate comes due, spread over {@link #SPREAD}. */
final class CertificateRenewal {
  static final Duration SPREAD = Duration.ofHours(6);

  private CertificateRenewal() {}

  /** The time until the reconcile that renews the certificate ({@code fallback} while none exists yet). */
  static Duration until(Tenant tenant, Optional<Instant> renewAt, Instant now, Duration fallback) {
    return renewAt.map(at -> Duration.between(now, at))
        .map(d -> (d.isNegative() ? Duration.ZERO : d).plus(spread(tenant)))
        .orElse(fallback)
        .plusSeconds(1);
  }

  /**
   * A fixed offset per tenant, up to {@link #SPREAD}: tenants created together would otherwise
   * all come due in the same second, and that many timer events at once would queue ahead of
   * every real change.
   */
  static Duration spread(Tenant tenant) {
    String identity = tenant.getMetadata().getUid() != null ? tenant.getMetadata().getUid() : tenant.getMetadata().getName();
    return Duration.ofSeconds(Math.floorMod(identity.hashCode(), SPREAD.toSeconds()));
  }
}
