package dev.tenantry.runtime.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ReadCacheTest {
  private final AtomicLong generation = new AtomicLong();
  private final AtomicInteger loads = new AtomicInteger();
  private final ReadCache<String, String> cache = new ReadCache<>(generation::get, 100);

  private Mono<String> load(String key) {
    return Mono.fromSupplier(() -> key + "@" + generation.get() + "#" + loads.incrementAndGet());
  }

  @Test
  void aReadBetweenWritesIsLoadedOnce() {
    assertThat(cache.get("a", this::load).block()).isEqualTo("a@0#1");
    assertThat(cache.get("a", this::load).block()).isEqualTo("a@0#1");
    assertThat(cache.get("b", this::load).block()).isEqualTo("b@0#2");
    assertThat(loads).hasValue(2);
  }

  @Test
  void anyWriteMakesEveryEntryStale() {
    cache.get("a", this::load).block();
    generation.incrementAndGet();
    assertThat(cache.get("a", this::load).block()).isEqualTo("a@1#2");
  }

  @Test
  void aLoadAWriteOvertakesIsNotServedAfterIt() {
    // the load starts, a command commits while it runs, then the load ends with what it read before
    Sinks.One<String> slowRead = Sinks.one();
    Mono<String> during = cache.get("a", key -> slowRead.asMono());
    String[] first = new String[1];
    during.subscribe(value -> first[0] = value);
    generation.incrementAndGet();
    slowRead.tryEmitValue("a-before-the-write");
    assertThat(first[0]).isEqualTo("a-before-the-write");
    assertThat(cache.get("a", this::load).block()).isEqualTo("a@1#1");
  }

  @Test
  void aMissIsNotRemembered() {
    assertThat(cache.get("gone", key -> Mono.<String>empty()).block()).isNull();
    assertThat(cache.get("gone", this::load).block()).isEqualTo("gone@0#1");
  }
}
