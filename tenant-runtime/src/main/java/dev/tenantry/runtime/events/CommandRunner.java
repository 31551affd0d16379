package dev.tenantry.runtime.events;

import dev.tenantry.runtime.store.DomainException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Runs a command's work (event append and projection updates) in one transaction and, once
 * committed, tells the event bus. A unique-key clash on the event log means another writer
 * got there first: it is a conflict, never a silent overwrite.
 */
@Component
public class CommandRunner {
  private final TransactionalOperator transactions;
  private final EventBus bus;

  public CommandRunner(TransactionalOperator transactions, EventBus bus) {
    this.transactions = transactions;
    this.bus = bus;
  }

  public <T> Mono<T> run(Mono<T> work) {
    return transactions.transactional(work)
        .onErrorMap(DataIntegrityViolationException.class,
            e -> new DomainException.Conflict("concurrent modification: " + e.getMostSpecificCause().getMessage(), null))
        .doOnSuccess(result -> bus.committed());
  }
}
