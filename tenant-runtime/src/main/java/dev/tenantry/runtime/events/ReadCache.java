package dev.tenantry.runtime.events;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Function;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Reads remembered between writes, for a store that only this process writes (the embedded
 * one): an entry is good while no command has run since it was read. {@link CommandRunner}
 * moves the write generation on before each command and again once it has committed, before
 * the command's caller sees its result, so a read that follows a write always sees it; any
 * command forgets every entry, so no write path (restore included) can leave one stale.
 */
public final class ReadCache<K, V> {

  private record Stamped<V>(V value, long generation) {}

  private final LongSupplier generation;
  private final Cache<K, Stamped<V>> entries;

  /** Entries good while {@code generation} (the write generation) says what it said when they were loaded. */
  public ReadCache(LongSupplier generation, int size) {
    this.generation = generation;
    this.entries = Caffeine.newBuilder().maximumSize(size).build();
  }

  /** The value of {@code key}, from memory when no command has run since it was loaded. */
  public Mono<V> get(K key, Function<K, Mono<V>> load) {
    return Mono.defer(() -> {
      long current = generation.getAsLong();
      Stamped<V> entry = entries.getIfPresent(key);
      if (entry != null && entry.generation() == current) {
        return Mono.just(entry.value());
      }
      // stamped with the generation read before loading: a command that commits meanwhile makes it stale at once
      return load.apply(key).doOnNext(value -> entries.put(key, new Stamped<>(value, current)));
    });
  }
}
