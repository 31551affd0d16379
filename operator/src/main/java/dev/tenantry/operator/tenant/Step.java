package dev.tenantry.operator.tenant;

import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.tenant.dependent.ModelDependentResource;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.tenant.model.TenantModel;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One provisioning step as data: what must hold before it ({@link #requires}), the dependents it
 * applies in order ({@link #applies}), a failure that only means "not yet" ({@link #waitsOn}), and
 * the outcome its condition shows once applied ({@link #doneWhen}). The reconciler walks a list of
 * these; a new step is one more entry.
 *
 * @param retryWhileWaiting when a waiting step is looked at again without an event saying so
 */
record Step(
    ProvisioningStep step,
    BiFunction<TenantModel, Context<Tenant>, Optional<StepOutcome>> precondition,
    List<Part> parts,
    Optional<WaitingFailure> waitingFailure,
    BiFunction<TenantModel, Context<Tenant>, StepOutcome> outcome,
    Optional<Duration> retryWhileWaiting) {

  /** A dependent of the step, applied only where {@code applies} holds for the tenant. */
  record Part(DependentResource<?, Tenant> dependent, Predicate<TenantModel> applies) {}

  /** An exception of {@code type} from a dependent means the step waits, with {@code reason} and the message. */
  record WaitingFailure(Class<? extends RuntimeException> type, String reason) {}

  /** Where a failed reconcile leaves the step it stopped at, for the error status. */
  static final String FAILED_STEP = "tenantry.failedStep";

  /**
   * Applies the parts in order (deleting an optional dependent the model no longer wants); empty
   * once applied, or the waiting outcome of an expected failure. Any other failure is thrown,
   * with the step noted in the context for the error status.
   */
  Optional<StepOutcome> apply(Tenant tenant, Context<Tenant> context, TenantModel model, ClusterEvents events) {
    try {
      for (Part part : parts) {
        if (!part.applies().test(model)) {
          continue;
        }
        if (part.dependent() instanceof ModelDependentResource<?> optional && !optional.wanted(tenant, context)) {
          optional.delete(tenant, context);
        } else {
          part.dependent().reconcile(tenant, context);
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      Optional<WaitingFailure> expected = waitingFailure.filter(w -> w.type().isInstance(e));
      if (expected.isEmpty()) {
        context.managedWorkflowAndDependentResourceContext().put(FAILED_STEP, step);
        throw e;
      }
      events.warning(tenant, expected.get().reason(), e.getMessage());
      return Optional.of(StepOutcome.waiting(step, expected.get().reason(), e.getMessage()));
    }
  }

  static Builder of(ProvisioningStep step) {
    return new Builder(step);
  }

  /** Builds a step in the order it runs: requires, applies, waitsOn, doneWhen. */
  static final class Builder {
    private final ProvisioningStep step;
    private BiFunction<TenantModel, Context<Tenant>, Optional<StepOutcome>> precondition = (m, c) -> Optional.empty();
    private final List<Part> parts = new ArrayList<>();
    private Optional<WaitingFailure> waitingFailure = Optional.empty();
    private Optional<Duration> retryWhileWaiting = Optional.empty();

    private Builder(ProvisioningStep step) {
      this.step = step;
    }

    /** What must hold first; a present outcome stops the walk there (nothing of this step is applied). */
    Builder requires(BiFunction<TenantModel, Context<Tenant>, Optional<StepOutcome>> check) {
      this.precondition = check;
      return this;
    }

    /** Dependents every tenant has (or that decide themselves, as optional model objects do). */
    @SafeVarargs
    final Builder applies(DependentResource<?, Tenant>... dependents) {
      for (DependentResource<?, Tenant> dependent : dependents) {
        parts.add(new Part(dependent, model -> true));
      }
      return this;
    }

    /** A dependent only tenants matching {@code when} have (e.g. the database of Postgres tenants). */
    Builder appliesWhen(Predicate<TenantModel> when, DependentResource<?, Tenant> dependent) {
      parts.add(new Part(dependent, when));
      return this;
    }

    Builder waitsOn(Class<? extends RuntimeException> failure, String reason) {
      this.waitingFailure = Optional.of(new WaitingFailure(failure, reason));
      return this;
    }

    Builder retryingEvery(Duration period) {
      this.retryWhileWaiting = Optional.of(period);
      return this;
    }

    Step doneWhen(BiFunction<TenantModel, Context<Tenant>, StepOutcome> outcome) {
      return new Step(step, precondition, List.copyOf(parts), waitingFailure, outcome, retryWhileWaiting);
    }

    /** For a step done as soon as its dependents are applied. */
    Step done(String reason, Function<TenantModel, String> message) {
      return doneWhen((model, context) -> StepOutcome.done(step, reason, message.apply(model)));
    }
  }
}
