package dev.tenantry.operator.rollout;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.tenant.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a rollout's next step is decided from, as the informers show it: the rollout, every
 * Tenant, the plans by name, the other rollouts, and the time.
 */
record RolloutFacts(TenantRollout rollout, List<Tenant> tenants, Map<String, TenantPlan> plans,
    List<TenantRollout> otherRollouts, Instant now) {}
