package dev.tenantry.runtime.events;

import dev.tenantry.runtime.store.DomainException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * Runs a command's work (event append and projection updates) in one transaction and, once
 * committed, tells the event bus. A unique-key clash on the event log means another writer
 * got there first: it is a conflict, never a silent overwrite. Each command moves the write
 * generation on before it starts and again once it ends, which is what {@link ReadCache}
 * entries are checked against.
 */
@Component
public class CommandRunner {
  private final TransactionalOperator transactions;
  private final EventBus bus;
  private final AtomicLong generation = new AtomicLong();

  public CommandRunner(TransactionalOperator transactions, EventBus bus) {
    this.transactions = transactions;
    this.bus = bus;
  }

  public <T> Mono<T> run(Mono<T> work) {
    return Mono.defer(() -> {
      generation.incrementAndGet();
      return transactions.transactional(work);
    })
        .onErrorMap(DataIntegrityViolationException.class,
            e -> new DomainException.Conflict("concurrent modification: " + e.getMostSpecificCause().getMessage(), null))
        // before the caller sees the result: a read it makes next cannot be answered from before the write
        .doOnSuccess(result -> {
          generation.incrementAndGet();
          bus.committed();
        });
  }

  /** How many times a command has started or ended in this process; moves on with every write. */
  public long generation() {
    return generation.get();
  }

  /** A cache of reads that is good until the next command, of at most {@code size} entries. */
  public <K, V> ReadCache<K, V> readCache(int size) {
    return new ReadCache<>(this::generation, size);
  }
}
