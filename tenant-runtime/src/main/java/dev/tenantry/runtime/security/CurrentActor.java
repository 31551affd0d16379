package dev.tenantry.runtime.security;

import dev.tenantry.runtime.store.Actor;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import reactor.core.publisher.Mono;

/** The caller of the current request, as the actor that commands record. */
public final class CurrentActor {
  private CurrentActor() {}

  public static Mono<Actor> get(String correlationId) {
    String correlation = correlationId == null || correlationId.isBlank() ? UUID.randomUUID().toString() : correlationId;
    return ReactiveSecurityContextHolder.getContext()
        .map(context -> of(context.getAuthentication(), correlation))
        .switchIfEmpty(Mono.error(() -> new IllegalStateException("no authenticated caller")));
  }

  public static Actor of(Authentication authentication, String correlationId) {
    return new Actor(authentication.getName(), correlationId);
  }

  public static boolean canWrite(Authentication authentication) {
    return authentication.getAuthorities().stream().anyMatch(a -> Roles.WRITERS.contains(a.getAuthority()));
  }
}
