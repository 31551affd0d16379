package dev.tenantry.operator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantStatusBuilderTest {

  static final List<StepOutcome> ALL_DONE = List.of(
      StepOutcome.done(ProvisioningStep.PLAN, "PlanFound", "plan free"),
      StepOutcome.done(ProvisioningStep.NAMESPACE, "NamespaceCreated", "ns"),
      StepOutcome.done(ProvisioningStep.CREDENTIALS, "CredentialsIssued", "creds"),
      StepOutcome.done(ProvisioningStep.DATABASE, "VolumeClaimed", "volume"),
      StepOutcome.done(ProvisioningStep.RUNTIME, "RuntimeAvailable", "1 of 1"));

  TenantStatusBuilder at(String instant) {
    return new TenantStatusBuilder(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  @Test
  void stepsNotReachedYetAreWaitingAndProgressCountsCompletedSteps() {
    Tenant tenant = tenant("acme");
    TenantStatus status = at("2026-01-01T00:00:00Z").build(tenant, ALL_DONE.subList(0, 2), Optional.empty(),
        Optional.empty(), false);
    assertThat(status.getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(status.getProvisioning().getCompletedSteps()).isEqualTo(2);
    assertThat(status.getProvisioning().getTotalSteps()).isEqualTo(5);
    assertThat(status.getProvisioning().getCurrentStep()).isEqualTo("Issuing credentials");
    assertThat(status.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus()).containsExactly(
        "PlanResolved=True", "NamespaceReady=True", "CredentialsReady=False", "DatabaseReady=False",
        "RuntimeReady=False", "Ready=False");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getNamespace()).isEqualTo("tenant-acme");
  }

  @Test
  void allStepsDoneIsReadyOrSuspended() {
    Tenant tenant = tenant("acme");
    assertThat(at("2026-01-01T00:00:00Z").build(tenant, ALL_DONE, Optional.empty(), Optional.empty(), false)
        .getPhase()).isEqualTo(Phase.Ready);
    TenantStatus suspended = at("2026-01-01T00:00:00Z").build(tenant, ALL_DONE, Optional.empty(), Optional.empty(), true);
    assertThat(suspended.getPhase()).isEqualTo(Phase.Suspended);
    assertThat(suspended.condition("Ready")).hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Suspended"));
  }

  @Test
  void aReadyTenantWhoseRuntimeFailsIsDegraded() {
    Tenant tenant = tenant("acme");
    tenant.setStatus(at("2026-01-01T00:00:00Z").build(tenant, ALL_DONE, Optional.empty(), Optional.empty(), false));
    List<StepOutcome> runtimeDown = List.of(ALL_DONE.get(0), ALL_DONE.get(1), ALL_DONE.get(2), ALL_DONE.get(3),
        StepOutcome.waiting(ProvisioningStep.RUNTIME, "WaitingForPods", "0 of 1"));
    assertThat(at("2026-01-02T00:00:00Z").build(tenant, runtimeDown, Optional.empty(), Optional.empty(), false)
        .getPhase()).isEqualTo(Phase.Degraded);
  }

  @Test
  void unchangedFactsRebuildAnEqualStatusSoNothingIsWritten() {
    Tenant tenant = tenant("acme");
    tenant.setStatus(at("2026-01-01T00:00:00Z").build(tenant, ALL_DONE, Optional.empty(), Optional.empty(), false));
    TenantStatus later = at("2026-03-01T00:00:00Z").build(tenant, ALL_DONE, Optional.empty(), Optional.empty(), false);
    assertThat(later).isEqualTo(tenant.getStatus());
    assertThat(later.condition("Ready").orElseThrow().getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void aMissingPlanIsPendingAndAnInvalidNameIsFailed() {
    Tenant tenant = tenant("acme");
    TenantStatus pending = at("2026-01-01T00:00:00Z").build(tenant,
        List.of(StepOutcome.waiting(ProvisioningStep.PLAN, "PlanNotFound", "no plan")), Optional.empty(),
        Optional.empty(), false);
    assertThat(pending.getPhase()).isEqualTo(Phase.Pending);
    assertThat(pending.condition("Ready")).hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("PlanNotFound"));
    TenantStatus failed = at("2026-01-01T00:00:00Z").invalid(tenant, "InvalidName", "bad name");
    assertThat(failed.getPhase()).isEqualTo(Phase.Failed);
  }

  static Tenant tenant(String name) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withGeneration(3L).build());
    dev.tenantry.crds.tenant.TenantSpec spec = new dev.tenantry.crds.tenant.TenantSpec();
    spec.setPlan("basic");
    tenant.setSpec(spec);
    return tenant;
  }
}
